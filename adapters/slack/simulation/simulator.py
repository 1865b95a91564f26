"""The real Slack adapter in HTTP mode against the fake Slack, fed one event at a time.

Every request is signed exactly as Slack signs it (so Bolt's signature check runs) and sent
to the adapter's own ``/slack/events`` on 127.0.0.1. After each event the simulation waits
until everything the event started has finished, then reports the Web API and
``response_url`` calls the app made for it, in the order they reached the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp

from adapters.slack.client import build_web_client
from adapters.slack.reminders import SlackNotifier
from adapters.slack.server import SlackService
from adapters.slack.simulation import payloads
from adapters.slack.simulation.calls import CallReport
from adapters.slack.simulation.fake_slack import BOT_TOKEN, FakeSlack
from adapters.slack.simulation.render import Places, render_calls
from adapters.slack.simulation.requests import RequestBuilder, SlackRequest
from adapters.slack.simulation.screen import Screen
from bot.chat import ChatService
from bot.config import Settings, SlackSettings
from bot.errors import InvalidInput, PlatformError

START_SECONDS = 30.0


class SlackSimulation:
    """``async with SlackSimulation(chat, settings, clock=...) as sim: await sim.send(event)``."""

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        timezone: str = "UTC",
        unique_ids: bool = False,
    ) -> None:
        self._chat = chat
        self._settings = settings
        self._clock = clock
        self._timezone = timezone
        self.fake = FakeSlack(clock=clock)
        self.screen = Screen()
        self.requests = RequestBuilder(self.fake, self.screen, clock, unique_ids=unique_ids)
        self.report = CallReport(self.fake, self.screen, self.requests)
        self._service: SlackService | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._base = ""
        self._looking_at_home = False
        # A turn may take as long as the agent is allowed, plus the posting after it.
        self._settle_seconds = settings.agent.turn_timeout + 30

    async def __aenter__(self) -> SlackSimulation:
        await self.fake.start()
        try:
            await self._start_app()
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

    async def _start_app(self) -> None:
        port = _free_port()
        settings = self._settings.model_copy(update={"slack": self._slack_settings()})
        env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET}
        self._service = SlackService(self._chat, settings, port=port, env=env)
        self._task = asyncio.create_task(self._service.run(), name="simulated slack app")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._base = f"http://127.0.0.1:{port}"
        async with asyncio.timeout(START_SECONDS):
            # The app's HTTP server comes up in its own task; poll its health route, as a load
            # balancer would.
            while not await self._healthy():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        self.report.seen = len(self.fake.calls)  # start-up is not an event's doing

    def _slack_settings(self) -> SlackSettings:
        return self._settings.slack.model_copy(
            update={"api_url": self.fake.url, "mode": "http", "http_host": "127.0.0.1"}
        )

    async def _healthy(self) -> bool:
        assert self._task is not None and self._session is not None
        if self._task.done():
            self._task.result()  # the app stopped: raise why
            raise PlatformError("the simulated Slack app stopped during start-up")
        with contextlib.suppress(aiohttp.ClientConnectionError):
            async with self._session.get(f"{self._base}/healthz") as response:
                return response.status == 200
        return False

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()
        await self.fake.stop()

    async def send(self, event: Mapping[str, Any], number: int) -> list[dict[str, Any]]:
        """Deliver event ``number`` (short form or real payload); the calls the app made.

        Raises ``InvalidInput`` for an event that cannot be delivered (nothing is sent then).
        """
        requests = self.requests.build(event, number)
        user = str(event.get("user") or "")
        self._looking_at_home = self.requests.last_kind.get(user) == "home"
        if user and user not in self.fake.timezones:
            self.fake.timezones[user] = self._timezone
        problems = []
        acks: list[dict[str, Any]] = []
        for request in requests:
            status, answer = await self._post(request)
            if status >= 400:
                problems.append(status)
            elif answer or event.get("type") in ("submit", "view_submission"):
                # What the app answers Slack directly: for a form, close it or show errors.
                acks.append({"method": "ack", **answer})
                if answer.get("response_action") != "errors":
                    self.screen.close_form(user)
            await self.settle()
        calls = acks + self.collect()
        if problems:
            raise InvalidInput(
                f"the app refused the request (HTTP {problems[0]}): "
                + ("no listener for it" if problems[0] == 404 else "see the log")
            )
        return calls

    def notifier(self) -> SlackNotifier:
        """Reminders as production sends them: ``SlackNotifier`` with its own Web API client."""
        return SlackNotifier(build_web_client(BOT_TOKEN, self._slack_settings()))

    def render(self, lines: list[dict[str, Any]]) -> list[str]:
        """``lines`` as people would see them in Slack."""
        places = Places(self.requests.channel_name, self.requests.roots, self._thread_of)
        return render_calls(lines, places, full_home=self._looking_at_home)

    def _thread_of(self, channel: str, ts: str) -> str | None:
        shown = self.screen.find(channel, ts)
        return shown.thread_ts if shown is not None else None

    async def collect_now(self) -> list[dict[str, Any]]:
        """Calls made since the last event without one (reminders after the clock moved)."""
        await self.settle()
        return self.collect()

    async def _post(self, request: SlackRequest) -> tuple[int, dict[str, Any]]:
        """Post ``request`` signed as Slack signs it; the HTTP status and the JSON answered."""
        assert self._session is not None
        headers = {"Content-Type": request.content_type, **payloads.sign(request.body)}
        async with self._session.post(
            f"{self._base}/slack/events", data=request.body.encode(), headers=headers
        ) as response:
            text = await response.text()
        try:
            answer = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError:
            answer = {}
        return response.status, answer if isinstance(answer, dict) else {}

    async def settle(self) -> None:
        """Wait until every listener Bolt started, and all background work, has finished."""
        assert self._service is not None and self._service.adapter is not None
        inflight = self._service.adapter.inflight
        async with asyncio.timeout(self._settle_seconds):
            while True:
                running = [t for t in asyncio.all_tasks() if not t.done() and _is_listener(t)]
                if running:
                    await asyncio.wait(running)
                    continue
                await inflight.wait_idle(self._settle_seconds)
                if not any(_is_listener(t) and not t.done() for t in asyncio.all_tasks()):
                    return

    def collect(self) -> list[dict[str, Any]]:
        """The calls made since the last collection, as output lines."""
        return self.report.collect()


def _is_listener(task: asyncio.Task[Any]) -> bool:
    # Bolt runs each listener in a task of this coroutine once the HTTP answer is on its way
    # (process_before_response=False); the request's answer says nothing about it finishing.
    return getattr(task.get_coro(), "__name__", "") == "run_ack_function_asynchronously"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
