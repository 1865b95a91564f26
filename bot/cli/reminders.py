"""``todobot reminders run-once [--now] [--json]``, ``reminders list --user REF``,
``reminders send-on --user REF PLATFORM`` and the scheduler service behind ``todobot run``.

``run-once`` delivers everything due and exits — for cron-style schedulers on platforms that
stop idle processes (Heroku Scheduler, a systemd timer, Kubernetes CronJob) and for tests.
Console users' notices are printed; Slack and Discord ones are posted when their tokens are
set. A second run at the same ``now`` delivers nothing: each claim is recorded in the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any, TextIO

from bot import dates
from bot.chat import utc_now
from bot.cli.wiring import chat_service, opened_storage
from bot.cli.workspaces import installation_store
from bot.config import Settings
from bot.errors import InvalidInput
from bot.identity import UserRef
from bot.installations import InstallationStore
from bot.lifecycle import Lifecycle
from bot.outcomes import message_of
from bot.reminders import ConsoleNotifier, Notice, Notifier, ReminderScheduler
from bot.reminders.scheduler import SchedulerSettings
from bot.stores import Storage
from bot.teams.model import ASSIGNMENT_KINDS

log = logging.getLogger(__name__)


def parse_now(text: str | None) -> datetime:
    """``--now``: ISO 8601; without an offset it is UTC."""
    if text is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"--now {text!r} is not an ISO 8601 date-time.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def scheduler_settings(settings: Settings) -> SchedulerSettings:
    r = settings.reminders
    return SchedulerSettings(max_late=r.max_late, lease=r.lease, poll_max=r.poll_max)


def notice_lines(notice: Notice) -> Iterator[dict[str, Any]]:
    """The ``--json`` lines of one notice: one per task (a digest with none: one line)."""
    kind = notice.kind if notice.kind in ("digest", *ASSIGNMENT_KINDS) else "reminder"
    if not notice.items:
        yield {"user": str(notice.to), "kind": kind, "task": None, "title": "", "due": None,
               "late": False}  # fmt: skip
    for item in notice.items:
        yield {
            "user": str(notice.to),
            "kind": kind,
            "task": item.number,
            "title": item.title,
            "due": item.due.export(notice.tz) if item.due else None,
            "late": item.late,
        }


async def platform_notifiers(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    only: list[str] | None = None,
    installations: InstallationStore | None = None,
) -> dict[str, Notifier]:
    """Notifiers for the platforms whose tokens are set (``only``: just these); Slack with
    ``installations`` sends each reminder with its workspace's token."""
    notifiers: dict[str, Notifier] = {}
    wanted = set(only) if only is not None else {"slack", "discord"}
    if "slack" in wanted and (installations is not None or os.environ.get("SLACK_BOT_TOKEN")):
        from adapters.slack.reminders import SlackNotifier

        notifiers["slack"] = await stack.enter_async_context(
            SlackNotifier.from_env(settings, installations)
        )
    if "discord" in wanted and os.environ.get("DISCORD_TOKEN"):
        from adapters.discord.reminders import DiscordNotifier

        notifiers["discord"] = await stack.enter_async_context(DiscordNotifier.from_env(settings))
    return notifiers


async def run_once(settings: Settings, *, now: str | None, as_json: bool, stdout: TextIO) -> int:
    moment = parse_now(now)
    console = ConsoleNotifier()
    async with AsyncExitStack() as stack:
        storage = await stack.enter_async_context(opened_storage(settings))
        notifiers: dict[str, Notifier] = {"console": console}
        notifiers.update(
            await platform_notifiers(settings, stack, installations=installation_store(storage))
        )
        scheduler = ReminderScheduler(
            storage=storage,
            notifiers=notifiers,
            settings=scheduler_settings(settings),
            clock=lambda: moment,
        )
        report = await scheduler.run_once(moment)
    for notice in console.sent:
        if as_json:
            for line in notice_lines(notice):
                print(json.dumps(line, ensure_ascii=False), file=stdout)
        else:
            print(f"[{notice.to}] {notice.text}", file=stdout)
    for failed, reason in report.failed:
        who = failed.to if failed else "?"
        print(f"todobot: not delivered to {who}: {reason}", file=sys.stderr)
    return 0


async def list_pending(settings: Settings, *, user: str, stdout: TextIO) -> int:
    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        found = await storage.users.find_user(ref=ref)
        if found is None:
            print(f"No reminders: {ref} has never used todobot here.", file=stdout)
            return 0
        tz = dates.zone(found.timezone)
        now = utc_now()
        pending = await storage.reminders.pending(user_id=found.id)
        digest = await storage.reminders.get_digest(user_id=found.id)
    if not pending and digest is None:
        print("No pending reminders.", file=stdout)
    for task in pending:
        parts = [f"#{task.number} {task.title}"]
        if task.remind_at:
            parts.append(f"remind {task.remind_at.astimezone(tz).isoformat(timespec='minutes')}")
        if task.due:
            parts.append(f"due {dates.describe_due(task.due, now=now, tz=tz)}")
        if task.repeat:
            parts.append(f"repeats {dates.describe_repeat(task.repeat)}")
        print(" — ".join(parts), file=stdout)
    if digest is not None:
        always = ", also when empty" if digest.always else ""
        print(
            f"Daily list at {digest.at.strftime('%H:%M')} ({found.timezone}){always}", file=stdout
        )
    return 0


async def serve_reminders(
    settings: Settings,
    storage: Storage,
    notifiers: dict[str, Notifier],
    *,
    clock: Callable[[], datetime] = utc_now,
    lifecycle: Lifecycle | None = None,
) -> None:
    """The scheduler as a service beside the platforms (``todobot run``), until the process
    is asked to stop: a batch in flight finishes, nothing new is claimed."""
    scheduler = ReminderScheduler(
        storage=storage, notifiers=notifiers, settings=scheduler_settings(settings), clock=clock
    )
    log.info("reminders: delivering on %s", ", ".join(sorted(notifiers)) or "nothing")
    stop = asyncio.Event()

    async def relay() -> None:
        if lifecycle is not None:
            await lifecycle.wait_stopping()
            stop.set()

    relaying = asyncio.create_task(relay())
    try:
        await scheduler.run_forever(stop)
    finally:
        relaying.cancel()


async def send_on(settings: Settings, *, user: str, platform: str, stdout: TextIO) -> int:
    """``reminders send-on --user REF PLATFORM``: the console's "send my reminders on …",
    through the same tool (so the same check that the person can be reached there)."""
    ref = UserRef.parse(user)
    async with opened_storage(settings) as storage:
        if await storage.users.find_user(ref=ref) is None:
            raise InvalidInput(f"{ref} has never used todobot here.")
        async with chat_service(settings, storage) as chat:
            reply = await chat.act(
                author=ref, tool="set_reminder_platform", arguments={"platform": platform}
            )
    if reply.is_error or not reply.tool_calls:
        raise InvalidInput(reply.text)
    print(message_of(reply.tool_calls[-1].outcome) or "", file=stdout)
    return 0
