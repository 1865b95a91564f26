"""The one place a Slack listener's failure is handled: Bolt's ``app.error``.

Listeners do their work and let anything unexpected propagate; Bolt hands it here with the
request body. It becomes one log line naming the conversation (or the person) and a short
apology where the person acted: in the thread for a message, privately at the
``response_url`` for ``/todo`` and buttons. Never a traceback in Slack, never silence.

Bolt's listener start and completion hooks count every listener run in the process's
``InFlight``, the apology included, so a stopping process waits for both.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_listener_completion_handler import (
    AsyncListenerCompletionHandler,
)
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import blocks, mapping, texts
from adapters.slack.mapping import Payload, Target
from adapters.slack.outbox import SlackOutbox
from bot.lifecycle import InFlight
from bot.metrics import Metrics

log = logging.getLogger(__name__)

TALK_EVENTS = frozenset({"app_mention", "message"})


class ListenerFailures:
    """``app.error(failures.handle)``: log, count, apologise."""

    def __init__(self, outbox: SlackOutbox, metrics: Metrics) -> None:
        self._outbox = outbox
        self._metrics = metrics

    async def handle(self, error: Exception, body: Payload) -> None:
        self._metrics.error(f"slack_{type(error).__name__}")
        event = body.get("event") if isinstance(body.get("event"), dict) else None
        if event is not None:
            if event.get("type") in TALK_EVENTS:
                key = mapping.conversation_key(mapping.team_of(body), event)
                log.error("slack reply failed in conversation %s", key, exc_info=error)
                await self._post(mapping.reply_target(event), key)
            else:
                log.error("slack %s event failed", event.get("type"), exc_info=error)
            return
        if body.get("command"):
            key = mapping.command_key(body)
            log.error("slack /todo failed in conversation %s", key, exc_info=error)
            await self._respond(str(body.get("response_url") or ""), key)
            return
        clicker = mapping.clicker_of(body)
        log.error("slack %s by %s failed", body.get("type"), clicker, exc_info=error)
        await tell_clicker(self._outbox, body, texts.apology())

    async def _post(self, target: Target, key: object) -> None:
        try:
            await self._outbox.post(target, blocks.compose(texts.apology()))
        except Exception:
            log.exception("could not post the apology in %s", key)

    async def _respond(self, url: str, key: object) -> None:
        if not url:
            return
        try:
            await self._outbox.respond(url, blocks.compose(texts.apology()))
        except Exception:
            log.exception("could not post the apology in %s", key)


async def tell_clicker(outbox: SlackOutbox, body: Payload, text: str) -> None:
    """A line only the person who clicked sees, next to what they clicked."""
    try:
        container = body.get("container") or {}
        if container.get("type") == "message" and not container.get("is_ephemeral"):
            thread = (body.get("message") or {}).get("thread_ts")
            target = Target(str(container["channel_id"]), thread)
            await outbox.whisper(target, mapping.clicker_of(body), text)
        elif body.get("response_url"):
            await outbox.respond(str(body["response_url"]), blocks.compose(text))
        else:
            log.info("nowhere to tell %s about a button", mapping.clicker_of(body))
    except Exception:
        log.exception("could not tell %s about a button", mapping.clicker_of(body))


def count_listener_runs(app: AsyncApp, inflight: InFlight) -> None:
    """Every listener run, its error handling included, is in-flight work until Bolt's
    completion hook runs (after ``app.error``)."""
    app.listener_runner.listener_start_handler = _Started(inflight)
    app.listener_runner.listener_completion_handler = _Completed(inflight)


class _Started(AsyncListenerStartHandler):
    def __init__(self, inflight: InFlight) -> None:
        self._inflight = inflight

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self._inflight.begin()


class _Completed(AsyncListenerCompletionHandler):
    def __init__(self, inflight: InFlight) -> None:
        self._inflight = inflight

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self._inflight.end()
