"""A person's data on SQL: everything of theirs as one document, forgetting them, and pruning
old conversation history (never tasks).

Forgetting deletes the ``app_user`` row: its identities, tasks, messages, reminders,
deliveries, digest, link codes and the assignments they received go with it (ON DELETE
CASCADE). Tasks they handed out stay with their owners; the giver's name and reference are
cleared first, so what remains says only that someone who has since left assigned it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from bot.identity import UserRef
from storage.sql.models import (
    AppUser,
    ConversationRow,
    MessageRow,
    TaskAssignment,
    TaskRow,
    UserIdentity,
)
from storage.sql.session import Database
from storage.sql.task_order import TASK_COLUMNS
from storage.sql.tasks import to_task


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


class SqlPrivacy:
    _db: Database

    async def export_data(self, *, user_id: int) -> dict[str, Any]:
        def work(conn: Connection) -> dict[str, Any]:
            user = conn.execute(
                select(AppUser.display_name, AppUser.timezone, AppUser.created_at).where(
                    AppUser.id == user_id
                )
            ).one()
            refs = conn.execute(
                select(UserIdentity.platform, UserIdentity.tenant, UserIdentity.external_id)
                .where(UserIdentity.user_id == user_id)
            ).all()  # fmt: skip
            tasks = [
                to_task(r)
                for r in conn.execute(
                    select(*TASK_COLUMNS).where(TaskRow.user_id == user_id).order_by(TaskRow.number)
                )
            ]
            messages = conn.execute(
                select(
                    MessageRow.role,
                    MessageRow.content,
                    MessageRow.created_at,
                    ConversationRow.platform,
                    ConversationRow.channel_id,
                )
                .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
                .where(MessageRow.user_id == user_id)
                .order_by(MessageRow.created_at, MessageRow.id)
            ).all()
            return {
                "user": {
                    "display_name": user.display_name,
                    "timezone": user.timezone,
                    "created_at": _iso(user.created_at),
                    "identities": [str(UserRef(*r)) for r in refs],
                },
                "tasks": [
                    {
                        "number": t.number,
                        "title": t.title,
                        "description": t.description,
                        "priority": t.priority.value,
                        "due": t.due.at.isoformat() if t.due else None,
                        "completed_at": _iso(t.completed_at),
                        "created_at": _iso(t.created_at),
                        "remind_at": _iso(t.remind_at),
                        "repeat": t.repeat,
                    }
                    for t in tasks
                ],
                "messages": [
                    {
                        "role": m.role,
                        "content": m.content,
                        "at": _iso(m.created_at),
                        "platform": m.platform,
                        "channel": m.channel_id,
                    }
                    for m in messages
                ],
            }

        return await self._db.run(work, write=False)

    async def forget(self, *, user_id: int) -> dict[str, int]:
        def work(conn: Connection) -> dict[str, int]:
            def count(model: Any, column: Any) -> int:
                return int(
                    conn.scalar(select(func.count()).select_from(model).where(column == user_id))
                    or 0
                )

            counts = {
                "tasks": count(TaskRow, TaskRow.user_id),
                "messages": count(MessageRow, MessageRow.user_id),
                "identities": count(UserIdentity, UserIdentity.user_id),
            }
            conn.execute(
                update(TaskAssignment)
                .where(TaskAssignment.assigner_user_id == user_id)
                .values(assigner_user_id=None, assigner_ref=None, assigner_name="")
            )
            conn.execute(delete(AppUser).where(AppUser.id == user_id))
            return counts

        return await self._db.run(work)

    async def prune_messages(self, *, older_than: datetime) -> int:
        def work(conn: Connection) -> int:
            removed = conn.execute(delete(MessageRow).where(MessageRow.created_at < older_than))
            return int(removed.rowcount or 0)

        return await self._db.run(work)
