"""Taking over a claimed event whose turn died: the turn as it stood when it stopped.

The person's message was stored with the claim; it is reused, never stored twice. The history
is what came before it. If the turn got as far as storing its answer (it died while posting
it), that answer is given back instead of running the agent a second time, so no change is
made twice.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from bot.conversations import Conversation, StoredMessage, TurnRequest, TurnStart
from bot.identity import ConversationKey
from storage.sql.models import AppUser, MessageRow, ProcessedEvent
from storage.sql.users import USER_COLUMNS, to_user
from storage.sql.windows import MESSAGE_COLUMNS, fit, to_message

_MESSAGE = (
    select(*MESSAGE_COLUMNS)
    .join(AppUser, AppUser.id == MessageRow.user_id)
    .where(MessageRow.id == bindparam("mid"))
)
# Turns of a conversation are serialised, so messages of one conversation are stored in
# order: before the message is its history, right after it (if anything) its answer.
_BEFORE = (
    select(*MESSAGE_COLUMNS)
    .join(AppUser, AppUser.id == MessageRow.user_id)
    .where(MessageRow.conversation_id == bindparam("cid"), MessageRow.id < bindparam("mid"))
    .order_by(MessageRow.id.desc())
    .limit(bindparam("limit"))
)
_AFTER = (
    select(*MESSAGE_COLUMNS)
    .join(AppUser, AppUser.id == MessageRow.user_id)
    .where(MessageRow.conversation_id == bindparam("cid"), MessageRow.id > bindparam("mid"))
    .order_by(MessageRow.id)
    .limit(1)
)
_USER = select(*USER_COLUMNS).where(AppUser.id == bindparam("uid"))
_RECORD_MESSAGE = (
    update(ProcessedEvent)
    .where(
        ProcessedEvent.platform == bindparam("on_platform"),
        ProcessedEvent.event_id == bindparam("on_event"),
    )
    .values(message_id=bindparam("mid"))
)


def record_message(conn: Connection, platform: str, event_id: str, message_id: int) -> None:
    """Remember the message stored for a claim that had none."""
    conn.execute(
        _RECORD_MESSAGE, {"on_platform": platform, "on_event": event_id[:128], "mid": message_id}
    )


def resumed_turn(
    conn: Connection, key: ConversationKey, message_id: int, request: TurnRequest
) -> TurnStart | None:
    """The turn of the stored message ``message_id``; ``None`` if that message is gone (its
    conversation was deleted)."""
    row = conn.execute(_MESSAGE, {"mid": message_id}).one_or_none()
    if row is None:
        return None
    message = to_message(row)
    user = to_user(conn.execute(_USER, {"uid": message.user_id}).one())
    limit = request.history_limit
    before: list[tuple[StoredMessage, int]] = []
    if limit > 0:
        rows = conn.execute(
            _BEFORE, {"cid": message.conversation_id, "mid": message_id, "limit": limit}
        ).all()
        before = [(to_message(r), int(r.stored_chars)) for r in reversed(rows)]
    after = conn.execute(_AFTER, {"cid": message.conversation_id, "mid": message_id}).one_or_none()
    reply = to_message(after) if after is not None and after.role == "assistant" else None
    return TurnStart(
        user=user,
        conversation=Conversation(id=message.conversation_id, key=key),
        history=fit(before, limit, request.history_chars),
        message=message,
        resumed=True,
        reply=reply,
    )
