"""A local fake of the Slack Web API, response_url endpoints and the Socket Mode WebSocket.

It speaks the wire format the real ``slack_sdk`` clients use (JSON or form bodies, query
strings, ``{"ok": ...}`` answers, ``429`` with ``Retry-After``) and records every call with
the answer it gave. It listens on 127.0.0.1 only. ``todobot simulate slack`` and the e2e
tests both run the real adapter against it.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import secrets
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
# The OAuth app credentials the fake expects from oauth.v2.access (fixed fakes as well).
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    answer: dict[str, Any] | None = None

    @property
    def token(self) -> str | None:
        """The bearer token the call was made with (``None``: none)."""
        auth = self.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None


@dataclass
class Workspace:
    """A workspace that installed the app through OAuth, with the bot token it was given."""

    team_id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str


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
        # Many workspaces: installed ones by bot token, and OAuth codes not yet exchanged.
        self.workspaces: dict[str, Workspace] = {}
        self.codes: dict[str, tuple[str, str]] = {}  # code → (team id, installer)
        self._names: dict[str, str] = {}
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
        if method == "oauth.v2.access":
            call.answer = self._exchange(str(args.get("code", "")), call.headers)
            return web.json_response(call.answer)
        if (
            call.token != BOT_TOKEN
            and call.token not in self.workspaces
            and method != ("apps.connections.open")
        ):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        call.answer = self._answer(method, args, self.workspaces.get(call.token or ""))
        return web.json_response(call.answer)

    def approve_install(self, team_id: str, *, name: str = "", installer: str = "UINSTALL") -> str:
        """Someone of ``team_id`` approved the install on Slack's page: the one-time code
        Slack sends back to the app's redirect URL."""
        code = f"code-{team_id}-{secrets.token_hex(4)}"
        self.codes[code] = (team_id, installer)
        self._names[team_id] = name or f"Workspace {team_id}"
        return code

    def uninstall(self, team_id: str) -> None:
        """The workspace removed the app: its tokens stop working at once."""
        for token, workspace in list(self.workspaces.items()):
            if workspace.team_id == team_id:
                del self.workspaces[token]

    def calls_by_team(self, method: str) -> dict[str, list[Call]]:
        """Calls of ``method`` grouped by the workspace whose token they used."""
        grouped: dict[str, list[Call]] = {}
        for call in self.called(method):
            found = self.workspaces.get(call.token or "")
            team = found.team_id if found else (TEAM if call.token == BOT_TOKEN else "?")
            grouped.setdefault(team, []).append(call)
        return grouped

    def _exchange(self, code: str, headers: dict[str, str]) -> dict[str, Any]:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return {"ok": False, "error": "invalid_client_id"}
        if code not in self.codes:
            return {"ok": False, "error": "invalid_code"}
        team_id, installer = self.codes.pop(code)  # a code is good once
        workspace = Workspace(
            team_id=team_id,
            name=self._names[team_id],
            bot_token=f"xoxb-{team_id}-{secrets.token_hex(8)}",
            bot_user_id=f"UBOT{team_id}",
            bot_id=f"B{team_id}",
        )
        self.uninstall(team_id)  # a reinstall replaces the workspace's token
        self.workspaces[workspace.bot_token] = workspace
        return {
            "ok": True,
            "app_id": "A1",
            "access_token": workspace.bot_token,
            "token_type": "bot",
            "scope": "chat:write,im:write,users:read",
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": installer},
        }

    def next_ts(self) -> str:
        """A message ``ts`` as Slack makes them: epoch seconds of the clock, then a sequence."""
        seconds = int(self._clock().timestamp()) if self._clock else DEFAULT_EPOCH
        return f"{seconds}.{next(self._ts):06d}"

    def _answer(
        self, method: str, args: dict[str, Any], workspace: Workspace | None = None
    ) -> dict[str, Any]:
        answers: dict[str, Callable[[], dict[str, Any]]] = {
            "auth.test": lambda: {
                "ok": True,
                "team_id": workspace.team_id if workspace else TEAM,
                "user_id": workspace.bot_user_id if workspace else BOT_USER,
                "bot_id": workspace.bot_id if workspace else BOT_ID,
                "team": workspace.name if workspace else "Test",
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
