"""The reference in-memory reminder queue (one process), following the SQL store's rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.reminders.model import Delivery, Digest, Recipient
from bot.tasks import Task

if TYPE_CHECKING:
    from storage.memory import _Data


class MemoryReminderStore:
    def __init__(self, data: _Data) -> None:
        self._d = data
        self.digests: dict[int, tuple[Digest, datetime]] = {}
        self.deliveries: dict[int, tuple[Delivery, str, datetime]] = {}  # id → (claim, state, at)
        self._keys: set[str] = set()
        self.notice_platforms: dict[int, str | None] = {}

    def _reachable(self, platforms: frozenset[str]) -> set[int]:
        return {uid for ref, uid in self._d.identities.items() if ref.platform in platforms}

    async def claim_due(
        self,
        *,
        now: datetime,
        limit: int,
        lease: timedelta,
        platforms: frozenset[str],
        user_id: int | None = None,
    ) -> list[Delivery]:
        reachable = self._reachable(platforms)
        if user_id is not None:
            reachable &= {user_id}
        claimed: list[Delivery] = []
        for delivery_id, (delivery, state, at) in sorted(self.deliveries.items()):
            if len(claimed) < limit and state == "claimed" and at < now - lease:
                again = dataclasses.replace(delivery, attempts=delivery.attempts + 1)
                self.deliveries[delivery_id] = (again, "claimed", now)
                claimed.append(again)
        due = sorted(
            (t for t in self._d.tasks.values() if t.remind_at and t.remind_at <= now),
            key=lambda t: t.remind_at or now,
        )
        for task in due:
            if len(claimed) >= limit or task.user_id not in reachable:
                continue
            fire_at = task.remind_at
            assert fire_at is not None
            self._d.tasks[(task.user_id, task.number)] = dataclasses.replace(
                task, remind_at=None, reminded_at=fire_at
            )
            if task.completed:
                continue
            made = self._new(task.user_id, f"reminder:{task.id}:{fire_at.isoformat()}", now)
            if made is not None:
                delivery = Delivery(
                    made, "reminder", task.user_id, task.number, task.title, task.due, fire_at,
                    task.place,
                )  # fmt: skip
                self.deliveries[made] = (delivery, "claimed", now)
                claimed.append(delivery)
        for user_id, (digest, next_at) in sorted(self.digests.items(), key=lambda i: i[1][1]):
            if len(claimed) >= limit or next_at > now or user_id not in reachable:
                continue
            tz = ZoneInfo(self._d.users[user_id].timezone)
            self.digests[user_id] = (digest, digest.next_after(now, tz))
            made = self._new(user_id, f"digest:{user_id}:{next_at.isoformat()}", now)
            if made is not None:
                delivery = Delivery(
                    made, "digest", user_id, None, "", None, next_at, digest.place,
                    always=digest.always,
                )  # fmt: skip
                self.deliveries[made] = (delivery, "claimed", now)
                claimed.append(delivery)
        return claimed

    def _new(self, user_id: int, key: str, now: datetime) -> int | None:
        if key in self._keys:
            return None
        self._keys.add(key)
        return self._d.new_id()

    async def next_due_at(self, *, platforms: frozenset[str]) -> datetime | None:
        reachable = self._reachable(platforms)
        moments = [
            t.remind_at for t in self._d.tasks.values() if t.remind_at and t.user_id in reachable
        ]
        moments += [at for uid, (_, at) in self.digests.items() if uid in reachable]
        return min(moments, default=None)

    async def mark_sent(self, *, delivery_ids: Sequence[int], now: datetime) -> None:
        for delivery_id in delivery_ids:
            self.deliveries[delivery_id] = (self.deliveries[delivery_id][0], "sent", now)

    async def mark_failed(self, *, delivery_ids: Sequence[int], now: datetime, error: str) -> None:
        for delivery_id in delivery_ids:
            self.deliveries[delivery_id] = (self.deliveries[delivery_id][0], "failed", now)

    async def recipient(self, *, user_id: int) -> Recipient:
        refs = tuple(sorted((r for r, u in self._d.identities.items() if u == user_id), key=str))
        chosen = self.notice_platforms.get(user_id)
        return Recipient(user=self._d.users[user_id], refs=refs, chosen=chosen)

    async def set_notice_platform(self, *, user_id: int, platform: str | None) -> None:
        self.notice_platforms[user_id] = platform

    async def pending(self, *, user_id: int) -> list[Task]:
        mine = [
            t
            for (owner, _), t in self._d.tasks.items()
            if owner == user_id and not t.completed and (t.remind_at or t.repeat)
        ]
        far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
        return sorted(mine, key=lambda t: (t.remind_at is None, t.remind_at or far, t.number))

    async def get_digest(self, *, user_id: int) -> Digest | None:
        found = self.digests.get(user_id)
        return None if found is None else found[0]

    async def set_digest(self, *, user_id: int, digest: Digest | None, now: datetime) -> None:
        if digest is None:
            self.digests.pop(user_id, None)
            return
        tz = ZoneInfo(self._d.users[user_id].timezone)
        self.digests[user_id] = (digest, digest.next_after(now, tz))

    async def rezone(self, *, user_id: int, old: ZoneInfo, new: ZoneInfo, now: datetime) -> int:
        moved = 0
        for key, task in list(self._d.tasks.items()):
            if task.user_id == user_id and task.remind_at is not None:
                wall = task.remind_at.astimezone(old).replace(tzinfo=new)
                self._d.tasks[key] = dataclasses.replace(task, remind_at=wall)
                moved += 1
        if user_id in self.digests:
            digest, _ = self.digests[user_id]
            self.digests[user_id] = (digest, digest.next_after(now, new))
        return moved
