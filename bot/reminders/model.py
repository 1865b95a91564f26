"""What the reminder machinery passes around: claims, recipients, digests and notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.conversations import User
from bot.identity import ConversationKey, UserRef
from bot.tasks import Due

DeliveryKind = Literal["reminder", "digest", "assigned", "assigned-done", "assigned-declined"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One reminder or digest claimed for delivery by this process.

    The task's number, title and due are copied at claim time, so what is said matches what
    was due even if the task changes while the message is on its way.
    """

    id: int
    kind: DeliveryKind
    user_id: int
    task_number: int | None
    title: str
    due: Due | None
    fire_at: datetime
    place: ConversationKey | None
    attempts: int = 1
    always: bool = False  # a digest sent even when nothing is due
    counterpart: str | None = None  # assignment notices: the other person's name


@dataclass(frozen=True, slots=True)
class Recipient:
    """The person a delivery is for and the platform identities they can be reached at, the
    one on the platform they last wrote on first. ``chosen``: the platform they asked their
    reminders on ("remind me on discord"), if any."""

    user: User
    refs: tuple[UserRef, ...]
    chosen: str | None = None

    def reach(self) -> UserRef:
        """Where to send: the chosen platform's identity, else the last used one."""
        for ref in self.refs:
            if ref.platform == self.chosen:
                return ref
        return self.refs[0]


@dataclass(frozen=True, slots=True)
class Digest:
    """The daily list: at ``at`` local time, in ``place``; ``always`` sends it when empty too."""

    at: time
    always: bool = False
    place: ConversationKey | None = None

    def next_after(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first local ``at`` strictly after ``moment`` (wall time, so DST-safe)."""
        local = moment.astimezone(tz)
        candidate = datetime.combine(local.date(), self.at, tzinfo=tz)
        while candidate <= moment:
            candidate = datetime.combine(candidate.date() + timedelta(days=1), self.at, tzinfo=tz)
        return candidate


@dataclass(frozen=True, slots=True)
class NoticeItem:
    number: int | None
    title: str
    due: Due | None
    late: bool = False
    fire_at: datetime | None = None  # when the reminder was due


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one person: a reminder, a catch-up of old reminders, or the digest.

    ``to`` is where to send it directly (a DM); ``place`` is where the reminder was asked for,
    the fallback when direct messages are closed. ``text`` is already in words (plain text
    with ``*bold*``), ``items`` let adapters add buttons.
    """

    kind: Literal[
        "reminder", "catch_up", "digest", "assigned", "assigned-done", "assigned-declined"
    ]
    to: UserRef
    place: ConversationKey | None
    text: str
    items: tuple[NoticeItem, ...]
    tz: ZoneInfo
    delivery_ids: tuple[int, ...] = field(default=())

    @property
    def single_task(self) -> int | None:
        """The task number when the notice is about one task (then it carries buttons)."""
        if self.kind in ("reminder", "assigned") and len(self.items) == 1:
            return self.items[0].number
        return None
