"""A local fake of the Slack Web API, response_url endpoints and the Socket Mode WebSocket.

It speaks the wire format the real ``slack_sdk`` clients use (JSON or form bodies, query
strings, ``{"ok": ...}`` answers, ``429`` with ``Retry-After``) and records every call with
the answer it gave. It listens on 127.0.0.1 only. ``todobot simulate slack`` and the e2e
tests both run the real adapter against it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import WSMsgType, web

TEAM = "T1"
BOT_USER = "UBOT"
BOT_ID = "B1"
# The only token the fake accepts: a fixed fake, never a real one.
BOT_TOKEN = "xoxb-test"
# Message timestamps when no clock is given (the tests'): any fixed second will do.
DEFAULT_EPOCH = 1_700_000_000


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    answer: dict[str, Any] | None = None


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class FakeSlack:
    """``url`` is the Web API base (…/api/); ``response_url(name)`` a fake response_url."""

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock
        self.calls: list[Call] = []
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.timezones: dict[str, str] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.delays: dict[str, float] = {}
        self.closed_dms: set[str] = set()  # users whose DM cannot be opened
        self.gone_users: set[str] = set()  # users who left the workspace
        # A method whose gate is here waits for it to be set before answering.
        self.gates: dict[str, asyncio.Event] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_closed = False  # the app closed its Socket Mode connection
        self.socket_envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        error: str = "ratelimited",
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.setdefault(method, []).append(
            Failure(status, {"ok": False, "error": error}, headers)
        )

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, within: float = 10) -> list[Call]:
        """The first ``count`` calls of ``method``, waiting ``within`` seconds for them."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.called(method)) >= count)
        return self.called(method)[:count]

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        call = Call(method, args, dict(request.headers))
        await self._record(call)
        await asyncio.sleep(self.delays.get(method, 0))
        if method in self.gates:
            await self.gates[method].wait()
        pending = self.failures.get(method)
        if pending:
            failure = pending.pop(0)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}" and method != (
            "apps.connections.open"
        ):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        call.answer = self._answer(method, args)
        return web.json_response(call.answer)

    def next_ts(self) -> str:
        """A message ``ts`` as Slack makes them: epoch seconds of the clock, then a sequence."""
        seconds = int(self._clock().timestamp()) if self._clock else DEFAULT_EPOCH
        return f"{seconds}.{next(self._ts):06d}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        answers: dict[str, Callable[[], dict[str, Any]]] = {
            "auth.test": lambda: {
                "ok": True,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "team": "Test",
                "user": "todobot",
            },
            "conversations.open": lambda: self._open_dm(str(args.get("users", ""))),
            "chat.postMessage": lambda: {
                "ok": True,
                "channel": args.get("channel"),
                "ts": self.next_ts(),
            },
            "chat.update": lambda: {
                "ok": True,
                "channel": args.get("channel"),
                "ts": args.get("ts"),
            },
            "chat.postEphemeral": lambda: {"ok": True, "message_ts": self.next_ts()},
            "views.publish": lambda: {"ok": True, "view": {"id": "VHOME"}},
            "views.open": lambda: {"ok": True, "view": {"id": "VMODAL"}},
            "users.info": lambda: self._user(str(args.get("user"))),
            "chat.getPermalink": lambda: {
                "ok": True,
                "channel": args.get("channel"),
                "permalink": f"https://test.slack.com/archives/{args.get('channel')}/"
                f"p{str(args.get('message_ts')).replace('.', '')}",
            },
            "apps.connections.open": lambda: {
                "ok": True,
                "url": f"ws://127.0.0.1:{self.port}/socket",
            },
        }
        answer = answers.get(method)
        return answer() if answer else {"ok": False, "error": "unknown_method"}

    def _open_dm(self, users: str) -> dict[str, Any]:
        if users in self.closed_dms:
            return {"ok": False, "error": "cannot_dm_bot"}
        if users in self.gone_users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": dm_channel(users.split(",")[0])}}

    def _user(self, user: str) -> dict[str, Any]:
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": user.lower(),
                "tz": self.timezones.get(user, "UTC"),
                "profile": {"display_name": f"person {user}", "real_name": f"Person {user}"},
            },
        }

    async def _response(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        payload = await request.json()
        self.responses.setdefault(name, []).append(payload)
        await self._record(Call(f"response:{name}", payload, dict(request.headers)))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        reader = asyncio.create_task(self._read_acks(ws))
        while True:
            getter = asyncio.create_task(self.socket_envelopes.get())
            done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                self.socket_closed = True
                break
            await ws.send_json(getter.result())
        return ws

    async def _read_acks(self, ws: web.WebSocketResponse) -> None:
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._record(Call("socket:ack", json.loads(message.data), {}))


def dm_channel(user: str) -> str:
    """The id of the DM channel between the app and ``user`` (Slack's start with ``D``)."""
    return "D" + user.removeprefix("U")
