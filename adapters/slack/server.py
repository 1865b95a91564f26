"""Running the app: Socket Mode (the easy start) or HTTP mode (behind a load balancer).

Both serve the same ``AsyncApp`` until the process's ``Lifecycle`` stops, then stop taking
events (Socket Mode disconnects; HTTP mode answers 503, which Slack retries later) and let the
accepted ones finish. HTTP mode is a small aiohttp server: ``POST /slack/events`` converts the
request for Bolt (which verifies the signature: bad or stale → 401) and back; ``/healthz``,
``/readyz`` and ``/metrics`` answer probes and Prometheus on the same port. With many
workspaces (``oauth``), ``GET /slack/install`` and ``GET /slack/oauth_redirect`` run Bolt's
install flow there too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackAdapter, build_app, register
from adapters.slack.client import SLACK_FAILURES, build_web_client, check_token
from adapters.slack.oauth import (
    INSTALL_PATH,
    REDIRECT_PATH,
    OAuthCredentials,
    WorkspaceWebClient,
    oauth_settings,
    require_http,
)
from adapters.slack.requests import malformed
from bot.chat import ChatService
from bot.config import Settings, secret
from bot.errors import ConfigError, TodobotError
from bot.health import add_health_routes
from bot.installations import InstallationStore
from bot.lifecycle import Lifecycle
from bot.metrics import Metrics

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# Without a lifecycle (tests, embedding): how long a cancelled service lets running turns
# finish and post their answers.
DRAIN_SECONDS = 20.0
# Slack retries an event it could not deliver; while stopping we ask it to come back later.
RETRY_LATER_SECONDS = "30"
# What an install step can meet besides Bolt's own answers: Slack or the database failing.
INSTALL_FAILURES: tuple[type[BaseException], ...] = (TodobotError, *SLACK_FAILURES)


@dataclass(frozen=True, slots=True)
class SlackCredentials:
    bot_token: SecretStr | None
    app_token: SecretStr | None
    signing_secret: SecretStr | None
    oauth: OAuthCredentials | None = None

    @classmethod
    def from_env(cls, *, http: bool, env: Mapping[str, str] | None = None) -> SlackCredentials:
        """The secrets the chosen mode needs; a missing one is a one-line ``ConfigError``.

        Socket Mode needs the bot and app tokens; HTTP mode the bot token and signing secret;
        many workspaces (``SLACK_CLIENT_ID`` set) HTTP mode, the client secret, the signing
        secret and ``TODOBOT_TOKEN_KEY``, and no bot token (each workspace has its own).
        """
        oauth = OAuthCredentials.from_env(env)
        if oauth is not None:
            require_http(http)
            return cls(None, None, secret("SLACK_SIGNING_SECRET", env), oauth)
        bot_token = secret("SLACK_BOT_TOKEN", env)
        if http:
            return cls(bot_token, None, secret("SLACK_SIGNING_SECRET", env))
        return cls(bot_token, secret("SLACK_APP_TOKEN", env), None)


async def serve(
    chat: ChatService,
    settings: Settings,
    *,
    http: bool | None = None,
    port: int | None = None,
    lifecycle: Lifecycle | None = None,
    installations: InstallationStore | None = None,
) -> None:
    """Answer Slack until ``lifecycle`` stops (then drain and return) or until cancelled.
    ``None`` options fall back to ``settings.slack``; ``installations`` serves many
    workspaces (OAuth).

    Raises ``ConfigError`` (missing or rejected secret) before connecting anywhere.
    """
    await SlackService(
        chat, settings, http=http, port=port, lifecycle=lifecycle, installations=installations
    ).run()


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
        lifecycle: Lifecycle | None = None,
        installations: InstallationStore | None = None,
    ) -> None:
        """``installations``: where installs are kept when OAuth is configured (the composition
        root makes it; see ``bot.cli.workspaces``)."""
        self._chat = chat
        self._installations = installations
        self._slack = settings.slack
        self.http = self._slack.mode == "http" if http is None else http
        self.port = self._slack.http_port if port is None else port
        self._env = env
        self.lifecycle = lifecycle or Lifecycle(drain_seconds=DRAIN_SECONDS)
        self.adapter: SlackAdapter | None = None
        self._socket: AsyncSocketModeHandler | None = None

    async def run(self) -> None:
        credentials = SlackCredentials.from_env(http=self.http, env=self._env)
        signing = credentials.signing_secret
        if credentials.oauth is not None:
            app = self._many_workspaces_app(credentials.oauth, signing)
        else:
            assert credentials.bot_token is not None
            client = build_web_client(credentials.bot_token.get_secret_value(), self._slack)
            identity = await check_token(client)
            log.info(
                "slack: team %s, bot user %s", identity.get("team_id"), identity.get("user_id")
            )
            app = build_app(client, signing_secret=signing.get_secret_value() if signing else None)
        lifecycle = self.lifecycle
        self.adapter = register(app, self._chat, self._slack, inflight=lifecycle.inflight)
        lifecycle.add_readiness_check("slack", self._connected)
        if self.http:
            assert signing is not None
            web_app = http_application(
                app, lifecycle, self._chat.metrics, signing_secret=signing.get_secret_value()
            )
            await serve_until_stopped(self._run_http(web_app), lifecycle)
        else:
            assert credentials.app_token is not None
            token = credentials.app_token.get_secret_value()
            await serve_until_stopped(self._run_socket_mode(app, token), lifecycle)

    def _many_workspaces_app(self, oauth: OAuthCredentials, signing: SecretStr | None) -> AsyncApp:
        if self._installations is None:
            raise ConfigError("Slack OAuth is configured but no installation store was given.")
        assert signing is not None
        client = build_web_client(None, self._slack, kind=WorkspaceWebClient)
        settings = oauth_settings(oauth, self._slack, self._installations)
        log.info("slack: many workspaces (OAuth); installs start at %s", INSTALL_PATH)
        return build_app(client, signing_secret=signing.get_secret_value(), oauth_settings=settings)

    async def _connected(self) -> bool:
        if self.http:
            return self.adapter is not None
        client = self._socket.client if self._socket is not None else None
        return client is not None and await client.is_connected()

    async def _run_http(self, web_app: web.Application) -> None:
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._slack.http_host, self.port)
            await site.start()
            log.info(
                "slack: HTTP mode on %s:%d (events at %s)",
                self._slack.http_host,
                self.port,
                EVENTS_PATH,
            )
            await self.lifecycle.wait_stopping()
            # New events are refused from here on (503); the accepted ones finish.
            await self.lifecycle.drain()
        finally:
            await runner.cleanup()

    async def _run_socket_mode(self, app: AsyncApp, app_token: str) -> None:
        self._socket = handler = AsyncSocketModeHandler(app, app_token, web_client=app.client)
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack: Socket Mode connected")
            await self.lifecycle.wait_stopping()
            # Disconnecting first: Slack hands new events to another connection (or keeps
            # them until we are back); replies go over the Web API, which stays open.
            await handler.close_async()  # type: ignore[no-untyped-call]
            await self.lifecycle.drain()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]


async def serve_until_stopped(service: Coroutine[Any, Any, None], lifecycle: Lifecycle) -> None:
    """Run ``service``; when it is cancelled instead of stopped, still let accepted turns
    finish (bounded) so nobody's answer is cut off mid-way."""
    try:
        await service
    except asyncio.CancelledError:
        if not await lifecycle.inflight.wait_idle(lifecycle.drain_seconds):
            log.warning("slack: stopped with %d answers still running", lifecycle.inflight.count)
        raise


def http_application(
    app: AsyncApp, lifecycle: Lifecycle, metrics: Metrics, *, signing_secret: str
) -> web.Application:
    verifier = SignatureVerifier(signing_secret)

    async def events(request: web.Request) -> web.Response:
        # Bolt answers 500 to a timestamp that is not a number; it is a bad signature: 401.
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        if not timestamp.isdigit():
            return web.json_response({"error": "invalid request"}, status=401)
        # The signature first, so that nobody without the secret learns anything from how a
        # body is judged; then the body's shape, which Bolt takes on trust.
        raw = await request.read()
        if not verifier.is_valid(raw, timestamp, request.headers.get(SIGNATURE_HEADER)):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            problem = malformed(raw.decode("utf-8"), request.content_type)
        except UnicodeDecodeError:
            problem = "the body is not UTF-8"
        if problem is not None:
            log.warning("slack: refused a signed request: %s", problem)
            metrics.error("slack_malformed_request")
            return web.json_response({"error": "malformed request"}, status=400)
        if lifecycle.stopping:
            return web.json_response(
                {"error": "restarting"}, status=503, headers={"Retry-After": RETRY_LATER_SECONDS}
            )
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    if app.oauth_flow is not None:
        add_install_routes(web_app, app, lifecycle)
    add_health_routes(web_app, lifecycle, metrics)
    return web_app


def add_install_routes(web_app: web.Application, app: AsyncApp, lifecycle: Lifecycle) -> None:
    """``/slack/install`` and ``/slack/oauth_redirect``: Bolt's flow, its pages and statuses
    (a forged, reused or expired state is refused with 401, a missing cookie with 400)."""
    flow = app.oauth_flow
    assert flow is not None

    async def install_step(request: web.Request) -> web.StreamResponse:
        if lifecycle.stopping:
            return web.Response(status=503, text="Restarting; try again in a minute.")
        step = flow.handle_installation if request.path == INSTALL_PATH else flow.handle_callback
        try:
            bolt_response = await step(await to_bolt_request(request))
        except INSTALL_FAILURES as exc:
            # The code exchange could not reach Slack, or the database failed: the installer
            # is told to try again; the detail goes to the log, never a token or a traceback.
            log.error("slack: install step %s failed: %s", request.path, type(exc).__name__)
            return web.Response(status=502, text="The installation failed; please try again.")
        return await to_aiohttp_response(bolt_response)

    web_app.router.add_get(INSTALL_PATH, install_step)
    web_app.router.add_get(REDIRECT_PATH, install_step)
