"""A fake OpenAI-compatible server on 127.0.0.1 that plays scripted Chat Completions.

The real ``openai`` client talks to it over HTTP, so the tests exercise the SDK's request
building, retries (429 + Retry-After), timeouts and response parsing, not a mock of them.

A script is a queue of steps, one per request: a completion body (see :func:`completion`), a
:class:`Status` (an error status with headers), a :class:`Hang` (answer nothing for a while), or
a callable that receives the request body and returns one of those.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Status:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    message: str = "scripted error"


@dataclass(frozen=True)
class Hang:
    """Send nothing for ``seconds`` (or until the server closes), then a plain answer."""

    seconds: float


Step = dict[str, Any] | Status | Hang | Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Recorded:
    body: dict[str, Any]
    headers: Mapping[str, str]
    at: float


_ids = itertools.count(1)


def tool_call(name: str, arguments: str | Mapping[str, Any], call_id: str | None = None) -> dict:
    """One function tool call as the API returns it (``arguments`` is a JSON string there)."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "id": call_id or f"call_{next(_ids)}",
        "type": "function",
        "function": {"name": name, "arguments": raw},
    }


def completion(
    content: str | None = None,
    tool_calls: Sequence[dict[str, Any]] = (),
    *,
    usage: tuple[int, int] | None = (12, 5),
) -> dict[str, Any]:
    """A ``chat.completion`` body with one choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = list(tool_calls)
    body: dict[str, Any] = {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
    }
    if usage is not None:
        prompt_tokens, completion_tokens = usage
        body["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return body


class FakeChatServer:
    """``POST /v1/chat/completions`` answered from a script; every request is recorded."""

    def __init__(self, responder: Callable[[dict[str, Any]], Any] | None = None) -> None:
        """``responder`` answers every request once the script is empty (a scripted model)."""
        self.responder = responder
        self.script: deque[Step] = deque()
        self.requests: list[Recorded] = []
        self.exhausted = False
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        self.base_url = ""

    def play(self, *steps: Step) -> None:
        self.script.extend(steps)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests]

    async def start(self) -> str:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/v1"
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        await self._runner.cleanup()

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(Recorded(body, dict(request.headers), time.monotonic()))
        if not self.script and self.responder is not None:
            self.script.append(self.responder)
        if not self.script:
            self.exhausted = True
            return _error(500, "the fake server's script is exhausted", {"x-should-retry": "false"})
        step = self.script.popleft()
        if callable(step):
            step = step(body)
        if isinstance(step, Hang):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), step.seconds)
            return web.json_response(completion("too late"))
        if isinstance(step, Status):
            return _error(step.status, step.message, step.headers)
        return web.json_response(step)


def _error(status: int, message: str, headers: Mapping[str, str]) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": "scripted", "code": None}},
        status=status,
        headers=dict(headers),
    )
