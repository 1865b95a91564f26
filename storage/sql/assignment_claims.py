"""Assignment notices in the reminder queue: claimed like reminders, delivered once.

Three kinds, all derived from ``task_assignment`` at poll time, so every way a task is done
or dropped (a chat line, a button, a tool call, MCP) is noticed without hooks in the code:

- ``assigned``: an assignment whose assignee was not told yet (``notified_at`` NULL);
- ``assigned-done``: an open assignment whose task is completed — told to the giver (the
  database mirrors the task's ``completed_at`` into ``task_completed_at`` with a trigger);
- ``assigned-declined``: an open assignment whose task is gone (declined or deleted).

Outcomes are read from a partial index of just those (``OUTCOME_DUE``): an idle poll costs
the same with 20,000 assignments open as with none.

Each claim is an UPDATE guarded by the state it changes (``notified_at IS NULL``,
``state = 'open'``) plus a ``reminder_delivery`` row with a unique dedup key, in the poll's
transaction: two pollers never both claim one notice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, select, text, update
from sqlalchemy.engine import Connection

from bot.reminders.model import Delivery
from storage.sql.models import OUTCOME_DUE, ReminderDelivery, TaskAssignment, TaskRow
from storage.sql.reminder_claims import delivery_of, insert_dialect

_A = TaskAssignment.__table__
_T = TaskRow.__table__
_DELIVERY = ReminderDelivery.__table__


def _row(dedup: str, user_id: int, kind: str, now: datetime, **fields: Any) -> dict[str, Any]:
    values = {
        "dedup_key": dedup,
        "user_id": user_id,
        "task_id": None,
        "kind": kind,
        "task_number": None,
        "title": "",
        "due_at": None,
        "due_has_time": False,
        "fire_at": now,
        "place": None,
        "state": "claimed",
        "claimed_at": now,
        "attempts": 1,
        "sent_at": None,
        "error": None,
        "counterpart": None,
    }
    values.update(fields)
    return values


def claim_assignments(conn: Connection, now: datetime, limit: int, reach: Any) -> list[Delivery]:
    """Claim up to ``limit`` assignment notices, as deliveries."""
    values = _new_assignments(conn, now, limit, reach)
    if len(values) < limit:
        values += _outcomes(conn, now, limit - len(values), reach)
    if not values:
        return []
    dialect = insert_dialect(conn)
    # The dedup keys are new (one per assignment and outcome), but a claim must never fail on
    # a repeat: ON CONFLICT DO NOTHING keeps it to once.
    statement = (
        dialect.insert(_DELIVERY)
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(*_DELIVERY.c)
    )
    return [delivery_of(row) for row in conn.execute(statement)]


def _new_assignments(
    conn: Connection, now: datetime, limit: int, reach: Any
) -> list[dict[str, Any]]:
    picked = (
        select(_A.c.id)
        .where(_A.c.notified_at.is_(None), reach.of(_A.c.assignee_user_id))
        .order_by(_A.c.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = conn.execute(
        update(_A)
        .where(_A.c.id.in_(picked), _A.c.notified_at.is_(None))
        .values(notified_at=now)
        .returning(_A.c.id, _A.c.task_id, _A.c.assignee_user_id, _A.c.assigner_name)
    ).all()
    task_ids = [r.task_id for r in claimed if r.task_id is not None]
    tasks = {
        t.id: t
        for t in conn.execute(
            select(_T.c.id, _T.c.number, _T.c.title, _T.c.due_at, _T.c.due_has_time).where(
                _T.c.id.in_(task_ids)
            )
        )
    }
    values = []
    for row in claimed:
        task = tasks.get(row.task_id)
        if task is None:
            continue  # dropped before they were told: nothing to tell
        values.append(
            _row(
                f"assigned:{row.id}",
                row.assignee_user_id,
                "assigned",
                now,
                task_id=task.id,
                task_number=task.number,
                title=task.title,
                due_at=task.due_at,
                due_has_time=task.due_has_time,
                counterpart=row.assigner_name,
            )
        )
    return values


def _outcomes(conn: Connection, now: datetime, limit: int, reach: Any) -> list[dict[str, Any]]:
    finished = (
        select(_A.c.id)
        .where(
            # Spelled as the partial index's WHERE (literally: SQLite matches it by its text),
            # so the poll reads only the assignments whose outcome is due.
            text(OUTCOME_DUE),
            _A.c.notified_at.is_not(None),
            _A.c.assigner_user_id.is_not(None),
            reach.of(_A.c.assigner_user_id),
        )
        .order_by(_A.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_A)
    )
    ids = list(conn.scalars(finished))
    if not ids:
        return []
    closed = conn.execute(
        update(_A)
        .where(_A.c.id.in_(ids), _A.c.state == "open")
        .values(
            state=case((_A.c.task_id.is_(None), "declined"), else_="done"),
            closed_at=now,
        )
        .returning(
            _A.c.id,
            _A.c.state,
            _A.c.assigner_user_id,
            _A.c.assignee_name,
            _A.c.title,
            _A.c.task_number,
        )
    ).all()
    kinds = {"done": "assigned-done", "declined": "assigned-declined"}
    return [
        _row(
            f"{kinds[r.state]}:{r.id}",
            r.assigner_user_id,
            kinds[r.state],
            now,
            title=r.title,
            counterpart=r.assignee_name,
        )
        for r in closed
    ]


def has_pending_notice(conn: Connection, reach: Any) -> bool:
    """Whether an assignee reachable by this poller waits to be told (it then polls now)."""
    waiting = select(_A.c.id).where(_A.c.notified_at.is_(None), reach.of(_A.c.assignee_user_id))
    return conn.scalar(waiting.limit(1)) is not None
