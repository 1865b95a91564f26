"""The reminder scheduler: claim what is due, turn it into notices, hand them to notifiers.

``run_once(now)`` delivers everything due at ``now`` and returns (cron, tests, the command
line). ``run_forever`` sleeps until the next due item — asking the database, bounded by
``poll_max`` so reminders set by other processes are seen — and never dies of one failure:
a delivery that fails is recorded, a database outage is waited out with backoff.

Reminders that came due long ago (more than ``max_late``, e.g. after downtime) are folded
into one catch-up message per person instead of a flood.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import dates
from bot.errors import InternalError, PlatformError, StorageError
from bot.reminders import texts
from bot.reminders.model import Delivery, Notice, NoticeItem, Recipient
from bot.reminders.notify import Notifier
from bot.stores import Storage
from bot.tasks import TaskQuery
from bot.teams.model import ASSIGNMENT_KINDS
from bot.teams.notices import assignment_notice

log = logging.getLogger(__name__)

# A reminder delivered within this of its time is on time; later it says it is late.
ON_TIME = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    max_late: timedelta = timedelta(hours=12)
    lease: timedelta = timedelta(minutes=5)
    poll_max: timedelta = timedelta(seconds=60)
    batch: int = 200
    concurrency: int = 20


@dataclass
class RunReport:
    """What one pass delivered (``sent``) and what failed, for the command line and tests."""

    sent: list[Notice] = field(default_factory=list)
    failed: list[tuple[Notice | None, str]] = field(default_factory=list)
    skipped: int = 0


class ReminderScheduler:
    def __init__(
        self,
        *,
        storage: Storage,
        notifiers: Mapping[str, Notifier],
        settings: SchedulerSettings | None = None,
        clock: Callable[[], datetime],
        only_user: int | None = None,
    ) -> None:
        self._storage = storage
        self._notifiers = dict(notifiers)
        self._settings = settings or SchedulerSettings()
        self._clock = clock
        self._platforms = frozenset(self._notifiers)
        self._only_user = only_user  # a console session delivers its own person's only

    async def run_once(self, now: datetime | None = None) -> RunReport:
        """Deliver everything due at ``now`` (default: the clock), then return."""
        moment = now or self._clock()
        report = RunReport()
        # Bounded: each round claims at most ``batch``; a million due items take many rounds
        # but never an endless loop (claimed rows are no longer due).
        for _ in range(10_000):
            claimed = await self._storage.reminders.claim_due(
                now=moment,
                limit=self._settings.batch,
                lease=self._settings.lease,
                platforms=self._platforms,
                user_id=self._only_user,
            )
            if not claimed:
                break
            await self._deliver(claimed, moment, report)
        return report

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Deliver due items until ``stop`` is set, sleeping until the next one is due."""
        failures = 0
        while not stop.is_set():
            try:
                await self.run_once()
                wait = await self._until_next()
                failures = 0
            except (StorageError, InternalError) as exc:
                failures += 1
                wait = min(60.0, 2.0**failures)
                log.warning("reminders: %s; retrying in %.0f s", type(exc).__name__, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)

    async def _until_next(self) -> float:
        upcoming = await self._storage.reminders.next_due_at(platforms=self._platforms)
        bound = self._settings.poll_max.total_seconds()
        if upcoming is None:
            return bound
        return max(0.0, min(bound, (upcoming - self._clock()).total_seconds()))

    async def _deliver(self, claimed: Sequence[Delivery], now: datetime, report: RunReport) -> None:
        by_user: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in claimed:
            by_user[delivery.user_id].append(delivery)
        gate = asyncio.Semaphore(self._settings.concurrency)

        outcome = _Outcome()

        async def one_user(user_id: int, items: list[Delivery]) -> None:
            async with gate:
                await self._deliver_user(user_id, items, now, report, outcome)

        async with asyncio.TaskGroup() as group:
            for user_id, items in by_user.items():
                group.create_task(one_user(user_id, items))
        # One write for the whole batch: a process that dies before it re-sends at most
        # this batch once the lease has passed (at least once, never lost).
        reminders = self._storage.reminders
        if outcome.sent:
            await reminders.mark_sent(delivery_ids=outcome.sent, now=now)
        for reason, ids in outcome.failed.items():
            await reminders.mark_failed(delivery_ids=ids, now=now, error=reason)

    async def _deliver_user(
        self,
        user_id: int,
        claimed: list[Delivery],
        now: datetime,
        report: RunReport,
        outcome: _Outcome,
    ) -> None:
        try:
            recipient = await self._storage.reminders.recipient(user_id=user_id)
            notices, empty = await self._notices(recipient, claimed, now)
        except StorageError as exc:
            report.failed.extend((None, type(exc).__name__) for _ in claimed)
            return  # the claims stay; after the lease another poll takes them again
        outcome.sent.extend(empty)  # a digest with nothing due is done without a message
        report.skipped += len(empty)
        for notice in notices:
            await self._post(notice, report, outcome)

    async def _notices(
        self, recipient: Recipient, claimed: list[Delivery], now: datetime
    ) -> tuple[list[Notice], list[int]]:
        tz = dates.zone(recipient.user.timezone)
        reminders = [d for d in claimed if d.kind == "reminder"]
        old = [d for d in reminders if now - d.fire_at > self._settings.max_late]
        fresh = [d for d in reminders if d not in old]
        notices: list[Notice] = []
        for delivery in fresh:
            item = NoticeItem(
                delivery.task_number,
                delivery.title,
                delivery.due,
                late=now - delivery.fire_at > ON_TIME,
                fire_at=delivery.fire_at,
            )
            to = recipient.reach()
            text = texts.reminder(item, now=now, tz=tz)
            notices.append(
                Notice("reminder", to, delivery.place, text, (item,), tz, (delivery.id,))
            )
        if old:
            items = tuple(
                NoticeItem(d.task_number, d.title, d.due, late=True, fire_at=d.fire_at) for d in old
            )
            text = texts.catch_up(items, now=now, tz=tz)
            ids = tuple(d.id for d in old)
            to = recipient.reach()
            notices.append(Notice("catch_up", to, old[-1].place, text, items, tz, ids))
        empty = []
        for delivery in claimed:
            if delivery.kind == "digest":
                digest = await self._digest(recipient, delivery, now)
                if digest.items or delivery.always:
                    notices.append(digest)
                else:  # nothing due: no message, unless the person asked for it anyway
                    empty.append(delivery.id)
            elif delivery.kind in ASSIGNMENT_KINDS:
                to = recipient.reach()
                tz_name = recipient.user.timezone
                notices.append(assignment_notice(delivery, to=to, now=now, timezone=tz_name))
        return notices, empty

    async def _digest(self, recipient: Recipient, delivery: Delivery, now: datetime) -> Notice:
        tz = dates.zone(recipient.user.timezone)
        today = now.astimezone(tz).date()
        tasks = await self._storage.tasks.list_tasks(
            user_id=recipient.user.id,
            query=TaskQuery(status="open", due_before=today),
            now=now,
            tz=tz,
        )
        items = tuple(NoticeItem(t.number, t.title, t.due) for t in tasks)
        text = texts.digest(items, now=now, tz=tz)
        to = recipient.reach()
        return Notice("digest", to, delivery.place, text, items, tz, (delivery.id,))

    async def _post(self, notice: Notice, report: RunReport, outcome: _Outcome) -> None:
        notifier = self._notifiers.get(notice.to.platform)
        try:
            if notifier is None:
                raise PlatformError(f"no notifier for {notice.to.platform}")
            await notifier.send(notice)
        except Exception as exc:
            if isinstance(exc, PlatformError):
                reason = str(exc)[:500] or type(exc).__name__
                log.warning("reminder to %s not delivered: %s", notice.to, reason)
            else:
                reason = f"unexpected {type(exc).__name__}"
                log.exception("reminder to %s failed unexpectedly", notice.to)
            outcome.failed.setdefault(reason, []).extend(notice.delivery_ids)
            report.failed.append((notice, reason))
            return
        outcome.sent.extend(notice.delivery_ids)
        report.sent.append(notice)


@dataclass
class _Outcome:
    """What a batch did, written back in one go."""

    sent: list[int] = field(default_factory=list)
    failed: dict[str, list[int]] = field(default_factory=dict)
