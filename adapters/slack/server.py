"""Running the app: Socket Mode (the easy start) or HTTP mode (behind a load balancer).

Both serve the same ``AsyncApp``. HTTP mode is a small aiohttp server: ``POST /slack/events``
converts the request for Bolt (which verifies the signature: bad or stale → 401) and back,
and ``GET /healthz`` answers load-balancer probes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack.app import SlackAdapter, build_app, register
from adapters.slack.client import build_web_client, check_token
from bot.chat import ChatService
from bot.config import Settings, secret

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
# How long a stopping process lets running turns finish and post their answers.
DRAIN_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class SlackCredentials:
    bot_token: SecretStr
    app_token: SecretStr | None
    signing_secret: SecretStr | None

    @classmethod
    def from_env(cls, *, http: bool, env: Mapping[str, str] | None = None) -> SlackCredentials:
        """The secrets the chosen mode needs; a missing one is a one-line ``ConfigError``.

        Socket Mode needs the bot and app tokens; HTTP mode the bot token and signing secret.
        """
        bot_token = secret("SLACK_BOT_TOKEN", env)
        if http:
            return cls(bot_token, None, secret("SLACK_SIGNING_SECRET", env))
        return cls(bot_token, secret("SLACK_APP_TOKEN", env), None)


async def serve(
    chat: ChatService, settings: Settings, *, http: bool | None = None, port: int | None = None
) -> None:
    """Answer Slack until cancelled. ``None`` options fall back to ``settings.slack``.

    Raises ``ConfigError`` (missing or rejected secret) before connecting anywhere.
    """
    await SlackService(chat, settings, http=http, port=port).run()


class SlackService:
    """One running Slack adapter; ``adapter`` is set once the listeners are wired."""

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        http: bool | None = None,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._chat = chat
        self._slack = settings.slack
        self.http = self._slack.mode == "http" if http is None else http
        self.port = self._slack.http_port if port is None else port
        self._env = env
        self.adapter: SlackAdapter | None = None

    async def run(self) -> None:
        credentials = SlackCredentials.from_env(http=self.http, env=self._env)
        client = build_web_client(credentials.bot_token.get_secret_value(), self._slack)
        identity = await check_token(client)
        log.info("slack: team %s, bot user %s", identity.get("team_id"), identity.get("user_id"))
        signing = credentials.signing_secret
        app = build_app(client, signing_secret=signing.get_secret_value() if signing else None)
        self.adapter = adapter = register(app, self._chat, self._slack)
        try:
            if self.http:
                await run_http(app, host=self._slack.http_host, port=self.port)
            else:
                assert credentials.app_token is not None
                await run_socket_mode(app, credentials.app_token.get_secret_value())
        finally:
            if not await adapter.inflight.wait_idle(DRAIN_SECONDS):
                log.warning("slack: stopped with %d answers still running", adapter.inflight.count)


def http_application(app: AsyncApp) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        # Bolt answers 500 to a timestamp that is not a number; it is a bad signature: 401.
        if not request.headers.get(TIMESTAMP_HEADER, "").isdigit():
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    return web_app


async def run_http(app: AsyncApp, *, host: str, port: int) -> None:
    runner = web.AppRunner(http_application(app), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("slack: HTTP mode on %s:%d (events at %s)", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run_socket_mode(app: AsyncApp, app_token: str) -> None:
    handler = AsyncSocketModeHandler(app, app_token, web_client=app.client)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack: Socket Mode connected")
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
