"""``todobot simulate slack|discord``: the real adapters against fake platforms, no account.

The composition root for simulations: a temporary SQLite database (or ``--database-url``),
the offline rules agent (nothing leaves the machine), a clock that only moves when the input
says so, and the platform's simulation from ``adapters/<platform>/simulation``. Events come
from a JSONL file (``--events``) or are typed (see ``simulate_script``); each call the app
makes to the platform comes back as a JSON line (``--json``) or rendered as people see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from bot import dates
from bot.chat import ChatService
from bot.cli.reminders import scheduler_settings
from bot.cli.simulate_script import ClockMove, Script, Speaker
from bot.cli.wiring import chat_service, opened_storage
from bot.config import Settings
from bot.errors import InvalidInput, UserFacingError
from bot.reminders import Notifier, ReminderScheduler

# A Monday morning, so "tomorrow" and "friday" mean the same thing in every run.
DEFAULT_START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
DEFAULT_USERS = {"slack": "U1", "discord": "4242"}
HELP = """\
Type as a person (as/in stay until changed):
  as U2 in #general: @todobot add milk tomorrow    mention the app in a channel
  in thread 1: add bread                           reply in the thread event 1 started
  as U3 dm: what's due today?                      a direct message
  /todo add call the bank friday                   the slash command (Discord also
                                                   /todo-list, /todo-add title:… due:…)
  click complete 1                                 press a button you can see
  submit title:buy milk due:friday                 fill in and submit the open form (Slack)
  home                                             open the App Home (Slack)
  wait 2h   |   at 2026-11-20 09:00                move the clock
  {"type": "mention", ...}                         any JSON event, as in --events files
  quit"""


class Simulation(Protocol):
    """What ``adapters.slack.simulation`` and ``adapters.discord.simulation`` provide."""

    async def send(self, event: dict[str, Any], number: int) -> list[dict[str, Any]]: ...

    async def collect_now(self) -> list[dict[str, Any]]: ...

    def render(self, lines: list[dict[str, Any]]) -> list[str]: ...

    def notifier(self) -> Notifier: ...


async def deliver_due(scheduler: ReminderScheduler, now: datetime) -> list[str]:
    """Run the reminder scheduler once at ``now``; a line for each notice not delivered."""
    report = await scheduler.run_once(now)
    return [
        f"a reminder for {notice.to if notice else '?'} was not delivered: {reason}"
        for notice, reason in report.failed
    ]


class SimulationClock:
    """The clock the core and the fake platform read; only ``move_to`` changes it."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def move_to(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


@dataclass
class Options:
    platform: str
    events: Path | None
    as_json: bool
    now: str | None
    tz: str
    database_url: str | None


async def run_simulation(
    settings: Settings, options: Options, *, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Run the simulation to the end of its input; 1 if a line of an events file was refused."""
    tz = dates.zone(options.tz)
    # On a real database the run joins real data: it starts at the real time and its event ids
    # differ from every earlier run's (or the database would drop them as redeliveries).
    real_data = options.database_url is not None
    clock = SimulationClock(start_of(options.now, options.tz, real_time=real_data))
    interactive = options.events is None and stdin.isatty()
    script = Script(
        Speaker(DEFAULT_USERS[options.platform]), tz, json_only=options.events is not None
    )
    with _events(options.events, stdin) as source, _database(options.database_url) as url:
        settings = simulation_settings(settings, url, options.tz)
        async with (
            opened_storage(settings) as storage,
            chat_service(settings, storage, clock=clock.now) as chat,
            _simulation(
                options.platform, chat, settings, clock, options.tz, real_data
            ) as simulation,
        ):
            scheduler = ReminderScheduler(
                storage=storage,
                notifiers={options.platform: simulation.notifier()},
                settings=scheduler_settings(settings),
                clock=clock.now,
            )
            out = Output(stdout, as_json=options.as_json, echo=not interactive)
            if interactive:
                out.note(f"todobot simulated {options.platform} — 'help' for what to type.")
            refused = 0
            number = 0  # the line number: what "thread": N refers to
            while (line := await _next_line(source, interactive, number + 1)) is not None:
                command = line.strip().lower()
                if interactive and command in ("quit", "exit"):
                    break
                if interactive and command == "help":
                    out.note(HELP)
                    continue
                if interactive and not command:
                    continue
                number += 1
                echoed = False
                try:
                    read = script.read(line, now=clock.now())
                    if read is None:
                        continue
                    out.event(number, line)
                    echoed = True
                    if isinstance(read, ClockMove):
                        clock.move_to(read.until)
                        out.clock(clock.now(), tz)
                        # What fell due by the time the clock lands is delivered then, once,
                        # by the same scheduler and notifier as in production.
                        failed = await deliver_due(scheduler, clock.now())
                        out.calls(number, await simulation.collect_now(), simulation, quiet=True)
                        for reason in failed:
                            out.refused(number, line, reason, echoed=True)
                        continue
                    out.calls(number, await simulation.send(read, number), simulation)
                except UserFacingError as exc:
                    refused += 1
                    out.refused(number, line, exc.message, echoed=echoed)
    return 1 if refused and options.events is not None else 0


class Output:
    def __init__(self, stream: TextIO, *, as_json: bool, echo: bool) -> None:
        self._stream = stream
        self._json = as_json
        self._echo = echo

    def _print(self, text: str) -> None:
        print(text, file=self._stream, flush=True)

    def note(self, text: str) -> None:
        if not self._json:
            self._print(text)

    def event(self, number: int, line: str) -> None:
        if self._echo and not self._json:
            self._print(f"[{number}] {line.strip()}")

    def clock(self, now: datetime, tz: Any) -> None:
        if not self._json:
            self._print(f"  ⏱  {now.astimezone(tz):%A %Y-%m-%d %H:%M %Z}")

    def calls(
        self, number: int, lines: list[dict[str, Any]], sim: Simulation, *, quiet: bool = False
    ) -> None:
        if self._json:
            for line in lines:
                self._print(json.dumps({"event": number, **line}, ensure_ascii=False))
            return
        rendered = sim.render(lines)
        if not rendered and not quiet:
            rendered = ["  (todobot did not answer)"]
        for text in rendered:
            self._print(text)

    def refused(self, number: int, line: str, message: str, *, echoed: bool) -> None:
        if self._json:
            error = {"event": number, "error": message, "input": line.strip()}
            self._print(json.dumps(error, ensure_ascii=False))
            return
        if self._echo and not echoed:
            self.event(number, line)
        self._print(f"  ✗ {message}")


def start_of(now: str | None, tz_name: str, *, real_time: bool = False) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0) if real_time else DEFAULT_START
    try:
        moment = datetime.fromisoformat(now)
    except ValueError as exc:
        raise InvalidInput(f"--now {now!r} is not an ISO 8601 date-time.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dates.zone(tz_name))
    return moment.astimezone(UTC)


def simulation_settings(settings: Settings, database_url: str, tz: str) -> Settings:
    """The offline agent (nothing leaves the machine, same answers every run), the database."""
    agent = settings.agent.model_copy(update={"backend": "rules", "default_timezone": tz})
    database = settings.database.model_copy(update={"url": database_url})
    return settings.model_copy(update={"agent": agent, "database": database})


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="todobot-simulate-") as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'simulate.db'}"


@contextlib.asynccontextmanager
async def _simulation(
    platform: str,
    chat: ChatService,
    settings: Settings,
    clock: SimulationClock,
    tz: str,
    unique_ids: bool,
) -> AsyncIterator[Simulation]:
    if platform == "slack":
        from adapters.slack.simulation import SlackSimulation

        async with SlackSimulation(
            chat, settings, clock=clock.now, timezone=tz, unique_ids=unique_ids
        ) as slack:
            yield slack
    else:
        from adapters.discord.simulation import DiscordSimulation

        async with DiscordSimulation(
            chat, settings, clock=clock.now, unique_ids=unique_ids
        ) as discord:
            yield discord


@contextlib.contextmanager
def _events(path: Path | None, stdin: TextIO) -> Iterator[TextIO]:
    if path is None or str(path) == "-":
        yield stdin
        return
    try:
        source = path.open(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    with source:
        yield source


async def _next_line(source: TextIO, interactive: bool, number: int) -> str | None:
    if interactive:
        try:
            # The prompt is the number the line will have, as "thread": N refers to it.
            return await asyncio.to_thread(input, f"[{number}] ")
        except EOFError:
            return None
    line = await asyncio.to_thread(source.readline)
    return line or None
