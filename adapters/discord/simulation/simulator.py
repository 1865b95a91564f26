"""The real discord.py bot (``TodoBot``, its cogs and buttons) against the fake Discord.

Events reach the bot as gateway dispatches over its WebSocket; it answers over REST. After each
event the simulation waits until the bot has read every dispatch sent so far and every handler
discord.py started has finished, then reports the REST calls the bot made for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

from adapters.discord.client import TodoBot
from adapters.discord.endpoints import discord_endpoints
from adapters.discord.reminders import DiscordNotifier
from adapters.discord.simulation.events import EventBuilder
from adapters.discord.simulation.fake_discord import MESSAGE_CONTENT, TOKEN, Call, FakeDiscord
from adapters.discord.simulation.payloads import Snowflakes
from adapters.discord.simulation.render import Places, render_calls
from bot.chat import ChatService
from bot.config import Settings
from bot.errors import PlatformError

START_SECONDS = 30.0
NOT_READABLE = (
    "  (todobot did not answer: without message_content_intent = true under [discord], Discord"
    " gives bots the text only of messages that mention them)"
)
# The typing indicator is a courtesy whose timing varies run to run; it shows nothing.
UNREPORTED = ("/typing",)
# Task names discord.py gives the work it starts for a dispatch.
HANDLER_TASKS = (
    "discord.py: ",
    "CommandTree-invoker",
    "discord-ui-dynamic-item",
    "discord-ui-view-dispatch",
)


class DiscordSimulation:
    """``async with DiscordSimulation(chat, settings, clock=...) as sim: await sim.send(...)``."""

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        unique_ids: bool = False,
    ) -> None:
        self._chat = chat
        self._settings = settings
        self.fake = FakeDiscord(
            privileged_allowed=MESSAGE_CONTENT, heartbeat_ms=41_250, clock=clock
        )
        if unique_ids:  # message ids are event ids: a database kept between runs remembers them
            self.fake.world.ids = Snowflakes(clock, first=secrets.randbelow(1 << 21))
        self.events = EventBuilder(
            self.fake, content_intent=settings.discord.message_content_intent
        )
        self._bot: TodoBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._endpoints = contextlib.ExitStack()
        self._heard = 0
        self._heard_changed = asyncio.Condition()
        self._seen = 0
        self._settle_seconds = settings.agent.turn_timeout + 30

    async def __aenter__(self) -> DiscordSimulation:
        await self.fake.start()
        try:
            await self._start_bot()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _start_bot(self) -> None:
        # One shard, whatever the deployment runs: the fake server is one guild.
        options = self._settings.discord.model_copy(
            update={
                "api_url": self.fake.url,
                "gateway_url": self.fake.gateway_url,
                "shard_count": None,
                "shard_ids": None,
            }
        )
        self._endpoints.enter_context(discord_endpoints(options.api_url, options.gateway_url))
        self._bot = bot = TodoBot(chat=self._chat, settings=options)
        bot.add_listener(self._on_socket_event, "on_socket_event_type")
        await bot.login(TOKEN)
        self._task = asyncio.create_task(bot.connect(), name="simulated discord bot")
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait(
            {self._task, ready}, timeout=START_SECONDS, return_when="FIRST_COMPLETED"
        )
        if not ready.done():
            ready.cancel()
            if self._task.done():
                self._task.result()
            raise PlatformError("the simulated Discord bot did not connect")
        await self.settle()
        self._seen = len(self.fake.calls)  # start-up (login, command sync) is not an event's

    async def _on_socket_event(self, event: str) -> None:
        async with self._heard_changed:
            self._heard += 1
            self._heard_changed.notify_all()

    async def aclose(self) -> None:
        if self._bot is not None:
            await self._bot.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._endpoints.close()
        await self.fake.stop()

    async def send(self, event: Mapping[str, Any], number: int) -> list[dict[str, Any]]:
        """Deliver event ``number`` (short form or gateway dispatch); the calls the bot made.

        Raises ``InvalidInput`` for an event that cannot be delivered (nothing is sent then).
        """
        dispatch = await self.events.build(event, number)
        await self.fake.dispatch(dispatch.event, dispatch.data)
        await self.settle()
        return self.collect()

    async def collect_now(self) -> list[dict[str, Any]]:
        await self.settle()
        return self.collect()

    def notifier(self) -> DiscordNotifier:
        """Reminders as production sends them: ``DiscordNotifier``, here on the running bot."""
        assert self._bot is not None
        return DiscordNotifier(self._bot)

    def render(self, lines: list[dict[str, Any]]) -> list[str]:
        if not lines and self.events.blanked:
            return [NOT_READABLE]
        return render_calls(lines, Places(self.events, self.fake))

    async def settle(self) -> None:
        """Wait until the bot has read every dispatch and finished what they started."""
        async with asyncio.timeout(self._settle_seconds):
            while True:
                async with self._heard_changed:
                    await self._heard_changed.wait_for(lambda: self._heard >= self.fake.dispatched)
                busy = [t for t in asyncio.all_tasks() if not t.done() and _is_handler(t)]
                if not busy:
                    return
                await asyncio.wait(busy)

    def collect(self) -> list[dict[str, Any]]:
        calls = self.fake.calls[self._seen :]
        self._seen = len(self.fake.calls)
        lines: list[dict[str, Any]] = []
        for call in calls:
            if call.path.endswith(UNREPORTED):
                continue
            self._remember(call)
            line = {"method": call.method, "path": call.path, "json": _stable(call.body)}
            if call.path.endswith("/threads"):
                # Starting a thread makes a thread, not a message (it has nothing to ping
                # with): reported apart so "every message call" means messages only.
                line = {"thread_started": line}
            lines.append(line)
        return lines

    def _remember(self, call: Call) -> None:
        """Private answers are seen only by the person who asked (for later clicks)."""
        answer = call.answer if isinstance(call.answer, dict) else {}
        if not call.path.startswith("/webhooks/") or not answer.get("id"):
            return
        token = call.path.split("/")[3]
        flags = int((call.body or {}).get("flags") or 0)
        asked = self.events.interactions.get(token)
        if asked is not None and flags & 64:
            self.events.private[int(answer["id"])] = asked[1]


def _stable(body: Any) -> Any:
    """``body`` with discord.py's random message nonce replaced, so runs compare equal."""
    if isinstance(body, dict) and "nonce" in body:
        return {**body, "nonce": "(random)"}
    return body


def _is_handler(task: asyncio.Task[Any]) -> bool:
    return task.get_name().startswith(HANDLER_TASKS)
