"""A local Discord on 127.0.0.1: the REST API under ``/api/v10`` and the gateway at ``/gateway``.

The real discord.py client talks to it over HTTP and WebSocket exactly as it would to Discord.
It records every REST call (with its answer) and gateway frame so tests assert on what went
over the wire, and keeps the messages it holds, so a button can be pressed on one later. It
listens on 127.0.0.1 only. ``todobot simulate discord`` and the e2e tests both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import WSMsgType, web

from adapters.discord.simulation import payloads as p
from adapters.discord.simulation.world import World

# The only token the fake accepts: a fixed fake, never a real one.
TOKEN = "fake-discord-token"
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = MESSAGE_CONTENT | (1 << 1) | (1 << 8)  # content, members, presences


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    body: Any
    at: float
    status: int = 200
    answer: Any = None

    @property
    def content(self) -> str:
        return str((self.body or {}).get("content", ""))


@dataclass
class Gateway:
    """What happened on the gateway."""

    urls: list[str] = field(default_factory=list)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    resumes: list[dict[str, Any]] = field(default_factory=list)
    heartbeats: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)


class FakeDiscord:
    def __init__(
        self,
        *,
        privileged_allowed: int = 0,
        heartbeat_ms: int = 1000,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.world = World(clock)
        self.privileged_allowed = privileged_allowed
        self.heartbeat_ms = heartbeat_ms
        self.calls: list[Call] = []
        self.gateway = Gateway()
        self.guild_ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._last_message: dict[str, Any] | None = None
        self._rate_limits: list[tuple[str, re.Pattern[str], float]] = []
        self._failures: list[tuple[str, re.Pattern[str], int, int]] = []
        self.socket_closed = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        # What GET /gateway/bot names, so tests can tell which gateway URL the bot chose.
        app.router.add_get("/gateway-advertised", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    # ---- test controls ---------------------------------------------------------------------

    def rate_limit_next(self, method: str, path: str, retry_after: float) -> None:
        """Answer the next ``method`` request whose path matches ``path`` with a 429."""
        self._rate_limits.append((method, re.compile(path), retry_after))

    def fail_next(self, method: str, path: str, status: int = 403, code: int = 50013) -> None:
        """Refuse the next matching request (403 Missing Permissions by default)."""
        self._failures.append((method, re.compile(path), status, code))

    async def dispatch(self, event: str, data: dict[str, Any]) -> float:
        """Send a DISPATCH event to the bot; returns when (``time.monotonic``) it was sent."""
        assert self._ws is not None, "the bot is not connected"
        if event == "MESSAGE_CREATE":
            self._last_message = data
        self.world.heard(event, data)
        self._seq += 1
        await self._send({"op": 0, "t": event, "s": self._seq, "d": data})
        return time.monotonic()

    @property
    def dispatched(self) -> int:
        """How many DISPATCH events the gateway has sent."""
        return self._seq

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def add_channel(self, channel_id: int, name: str) -> None:
        """A new text channel in the server; the bot hears of it as Discord tells it."""
        if channel_id in self.world.channels:
            return
        self.world.channels[channel_id] = name
        if self.connected:
            await self.dispatch("CHANNEL_CREATE", p.text_channel(channel_id, name))

    async def request_reconnect(self) -> None:
        """Ask the bot to reconnect (op 7); it RESUMEs and gets the last message again."""
        assert self._ws is not None
        await self._send({"op": 7, "d": None})

    async def wait_for(self, predicate: Callable[[list[Call]], Any], within: float = 10.0) -> Any:
        """Wait (at most ``within`` seconds) until ``predicate(calls)`` is truthy; return it."""
        async with asyncio.timeout(within), self._changed:
            while not (result := predicate(self.calls)):
                await self._changed.wait()
            return result

    async def wait_for_call(
        self, method: str, path: str, *, count: int = 1, within: float = 10.0
    ) -> list[Call]:
        pattern = re.compile(path)

        def matching(calls: list[Call]) -> list[Call] | None:
            found = [c for c in calls if c.method == method and pattern.fullmatch(c.path)]
            return found if len(found) >= count else None

        result: list[Call] = await self.wait_for(matching, within)
        return result

    def find(self, method: str, path: str) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- gateway ---------------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> None:
        assert self._ws is not None
        self.gateway.sent.append(frame)
        await self._ws.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.socket_closed = False
        self.gateway.urls.append(str(request.rel_url))
        await self._send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}})
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                break
            await self._on_frame(ws, json.loads(frame.data))
        if ws is self._ws:
            self.socket_closed = True
            await self._notify()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame["op"]
        data: Any = frame.get("d")
        if op == 1:
            self.gateway.heartbeats += 1
            await self._send({"op": 11})
        elif op == 2:
            self.gateway.identifies.append(data)
            await self._notify()
            if data["token"] != TOKEN:
                await ws.close(code=4004, message=b"Authentication failed.")
            elif data["intents"] & PRIVILEGED & ~self.privileged_allowed:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
            else:
                shard = data.get("shard", [0, 1])
                await self.dispatch("READY", p.ready(self.gateway_url, shard))
                await self.dispatch("GUILD_CREATE", p.guild_create(self.world.channels))
                self.guild_ready.set()
        elif op == 6:
            self.gateway.resumes.append(data)
            # The replay a real gateway does after a resume; the last message arrives again.
            if self._last_message is not None:
                await self.dispatch("MESSAGE_CREATE", self._last_message)
            await self.dispatch("RESUMED", {})
            await self._notify()

    # ---- REST ------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await request.json() if request.can_read_body else None
        call = Call(request.method, path, dict(request.query), body, time.monotonic())
        self.calls.append(call)
        try:
            return await self._answer(request, call)
        finally:
            await self._notify()

    async def _answer(self, request: web.Request, call: Call) -> web.Response:
        webhook = call.path.startswith(("/interactions/", "/webhooks/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {TOKEN}":
            return self._error(call, 401, {"message": "401: Unauthorized", "code": 0})
        for index, (method, pattern, retry_after) in enumerate(self._rate_limits):
            if method == call.method and pattern.fullmatch(call.path):
                del self._rate_limits[index]
                call.status = 429
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": False,
                    },
                    status=429,
                    headers={
                        "Retry-After": str(retry_after),
                        "Via": "1.1 google",
                        "X-RateLimit-Scope": "user",
                    },
                )
        for index, (method, pattern, status, code) in enumerate(self._failures):
            if method == call.method and pattern.fullmatch(call.path):
                del self._failures[index]
                return self._error(call, status, {"message": "Refused by the test", "code": code})
        route = self._route(call)
        if route is None:
            return self._error(call, 404, {"message": "404: Not Found", "code": 0})
        result = await route(call)
        if result is None:
            return web.Response(status=204)
        if isinstance(result, web.Response):
            return result
        call.answer = result
        return _json(result)

    def _error(self, call: Call, status: int, data: dict[str, Any]) -> web.Response:
        call.status = status
        return _json(data, status=status)

    def _route(self, call: Call) -> Callable[[Call], Any] | None:
        table: list[tuple[str, str, Callable[[Call], Any]]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", self._gateway_bot),
            ("PUT", r"/applications/\d+(/guilds/\d+)?/commands", self._sync),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/channels/\d+/typing", self._typing),
            ("POST", r"/channels/\d+/messages", self._create_message),
            ("POST", r"/channels/\d+/messages/\d+/threads", self._start_thread),
            ("POST", r"/interactions/\d+/[^/]+/callback", self._callback),
            ("POST", r"/webhooks/\d+/[^/]+", self._followup),
            ("PATCH", r"/webhooks/\d+/[^/]+/messages/@original", self._edit_original),
        ]
        for method, pattern, handler in table:
            if call.method == method and re.fullmatch(pattern, call.path):
                return handler
        return None

    async def _me(self, call: Call) -> Any:
        return p.BOT_USER

    async def _application(self, call: Call) -> Any:
        return p.application()

    async def _gateway_bot(self, call: Call) -> Any:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        url = self.gateway_url + "-advertised"
        return {"url": url, "shards": 1, "session_start_limit": limit}

    async def _sync(self, call: Call) -> Any:
        guild = re.search(r"/guilds/(\d+)/", call.path)
        return [
            {
                **command,
                "id": str(self.world.ids.next()),
                "application_id": str(p.APP_ID),
                "version": "1",
                **({"guild_id": guild.group(1)} if guild else {}),
            }
            for command in call.body
        ]

    async def _open_dm(self, call: Call) -> Any:
        user_id = int((call.body or {})["recipient_id"])
        return p.dm_channel(self.world.dm_for(user_id), p.user(user_id, f"user{user_id}"))

    async def _typing(self, call: Call) -> Any:
        return None

    async def _create_message(self, call: Call) -> Any:
        return self.world.bot_message(call.body, int(call.path.split("/")[2]))

    async def _start_thread(self, call: Call) -> Any:
        _, _, channel_id, _, message_id, _ = call.path.split("/")
        data = self.world.thread_from(int(message_id), int(channel_id), call.body["name"])
        # Discord announces the new thread on the gateway (to a bot still connected to it) as
        # well as in the response.
        if self.connected:
            await self.dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return data

    async def _callback(self, call: Call) -> Any:
        interaction_id = call.path.split("/")[2]
        kind = call.body["type"]
        flags = (call.body.get("data") or {}).get("flags", 0)
        return {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": {"type": kind},
        }

    async def _followup(self, call: Call) -> Any:
        return self.world.followup(call.path.split("/")[3], call.body)

    async def _edit_original(self, call: Call) -> Any:
        return self.world.edit_original(call.path.split("/")[3], call.body)


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header verbatim.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
    )


@contextlib.asynccontextmanager
async def running_fake(**kwargs: Any) -> Any:
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
