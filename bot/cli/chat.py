"""``todobot chat``: talk to the bot on the console through the same ``ChatService``."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot import dates, texts
from bot.chat import ChatService, utc_now
from bot.cli import collect_garbage_again
from bot.cli.prompt import NOT_TEXT, LineReader, Prompt
from bot.cli.wiring import chat_service, opened_storage
from bot.config import Settings
from bot.conversations import IncomingMessage, Reply
from bot.errors import InvalidInput, StorageError
from bot.identity import ConversationKey, UserRef
from bot.reminders import ConsoleNotifier, ReminderScheduler
from bot.stores import Storage


def fixed_clock(text: str, tz_name: str) -> Callable[[], datetime]:
    """A clock stopped at ``text`` (ISO 8601; without an offset it is read in ``tz_name``)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"--now {text!r} is not an ISO 8601 date-time.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dates.zone(tz_name))
    return lambda: moment


def console_key(user: UserRef, channel: str | None = None) -> ConversationKey:
    # One rolling console conversation per person, so history survives restarts; a named
    # channel is one conversation shared by everyone who joins it (``--channel``).
    if channel:
        return ConversationKey("console", "local", f"channel:{channel}", "main")
    return ConversationKey("console", user.tenant or "local", f"user:{user}", "main")


def render(reply: Reply, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {"reply": reply.text, "tool_calls": [c.as_json() for c in reply.tool_calls]},
            ensure_ascii=False,
        )
    return reply.text


async def run_chat(
    settings: Settings,
    *,
    user: str,
    tz: str | None,
    now: str | None,
    as_json: bool,
    channel: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    ref = UserRef.parse(user)
    if tz is not None:
        tz = str(dates.zone(tz))
    clock = fixed_clock(now, tz or settings.agent.default_timezone) if now else utc_now
    interactive = stdin.isatty() and not as_json
    read = Prompt() if interactive else LineReader(stdin)
    async with (
        opened_storage(settings) as storage,
        chat_service(settings, storage, clock=clock) as chat,
    ):
        if interactive:
            print("todobot — type a message, 'help' for examples, Ctrl-D to quit.", file=stdout)
        collect_garbage_again()  # started: see bot.cli.main
        # Reminders come due while the session is open: shown between answers (and, on a
        # terminal, as they come due). The JSON mode keeps its one line per answer.
        reminders = None if as_json else SessionReminders(storage, ref, clock, stdout)
        watcher = asyncio.create_task(reminders.watch()) if reminders and interactive else None
        try:
            with read:
                while True:
                    line = await read()
                    if line is None:
                        return 0
                    if line is NOT_TEXT:
                        reply = Reply(text=texts.not_utf8(), is_error=True)
                    else:
                        text = line.rstrip("\r\n")
                        if not text.strip():
                            continue
                        reply = await _answer(chat, ref, text, tz, channel)
                    print(render(reply, as_json=as_json), file=stdout, flush=True)
                    if reminders is not None:
                        await reminders.show_due()
                    if interactive:
                        print(file=stdout)
        finally:
            if watcher is not None:
                watcher.cancel()


class SessionReminders:
    """The console person's reminders, printed in their open chat session when due."""

    def __init__(
        self, storage: Storage, ref: UserRef, clock: Callable[[], datetime], stdout: TextIO
    ) -> None:
        self._storage, self._ref, self._clock, self._stdout = storage, ref, clock, stdout
        self._console = ConsoleNotifier()

    async def show_due(self) -> None:
        user = await self._storage.users.find_user(ref=self._ref)
        if user is None:
            return
        scheduler = ReminderScheduler(
            storage=self._storage,
            notifiers={"console": self._console},
            clock=self._clock,
            only_user=user.id,
        )
        await scheduler.run_once()
        for notice in self._console.sent:
            print(notice.text, file=self._stdout, flush=True)
        self._console.sent.clear()

    async def watch(self, every: float = 30.0) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.show_due()
            except StorageError:
                continue  # the database is away; the next look will find it again


async def _answer(
    chat: ChatService, ref: UserRef, text: str, tz: str | None, channel: str | None = None
) -> Reply:
    message = IncomingMessage(
        key=console_key(ref, channel),
        author=ref,
        text=text,
        display_name=ref.external_id,
        timezone=tz,
    )
    return await chat.handle(message)
