"""Reminders on Slack: a DM from the app with Done / Snooze 1 h / Tomorrow 9:00 buttons.

``SlackNotifier`` opens the DM (``conversations.open``, scope ``im:write``) and posts; when
Slack will not open a DM with the person, the notice goes to the thread where the reminder
was asked for, mentioning only that person. 429s are retried by the Web API client as Slack
asks (bounded, see ``client``); other errors become ``PlatformError`` for the scheduler to
record. The buttons carry the owner in their value, so they act as the clicking person only.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, mapping
from adapters.slack.assignments import assignment_blocks
from adapters.slack.client import SLACK_FAILURES, build_web_client
from adapters.slack.oauth import WorkspaceTokens, WorkspaceWebClient, speaking_for
from bot.chat import ChatService
from bot.config import Settings, secret
from bot.errors import PlatformError
from bot.installations import InstallationStore
from bot.outcomes import Outcome, task_of
from bot.reminders import DeliveryRefused, Notice

log = logging.getLogger(__name__)

SNOOZE_HOUR_ACTION = "todo_snooze_hour"
SNOOZE_TOMORROW_ACTION = "todo_snooze_tomorrow"
_SNOOZES = {SNOOZE_HOUR_ACTION: "in 1 hour", SNOOZE_TOMORROW_ACTION: "tomorrow 9:00"}
# Slack's answers meaning "no DM with this person": try the place it was asked for instead.
_NO_DM = frozenset({"cannot_dm_bot", "not_allowed_token_type", "missing_scope", "user_not_visible"})
# The person left the workspace: recorded, never retried.
_GONE = frozenset({"user_not_found", "user_disabled", "account_inactive"})

Payload = dict[str, Any]


def reminder_blocks(notice: Notice) -> list[Payload]:
    """The notice's text, and for a one-task reminder its three buttons."""
    if notice.kind.startswith("assigned"):
        return assignment_blocks(notice)
    return blocks.notice_blocks(
        notice,
        [
            (blocks.COMPLETE_ACTION, "Done", "primary"),
            (SNOOZE_HOUR_ACTION, "Snooze 1 h", None),
            (SNOOZE_TOMORROW_ACTION, "Tomorrow 9:00", None),
        ],
    )


class SlackNotifier:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, tokens: WorkspaceTokens | None = None) -> None:
        """``tokens``: many workspaces; each notice goes out with its workspace's token."""
        self._client = client
        self._tokens = tokens

    @classmethod
    @asynccontextmanager
    async def from_env(
        cls, settings: Settings, installations: InstallationStore | None = None
    ) -> AsyncIterator[SlackNotifier]:
        if installations is not None:
            client = build_web_client(None, settings.slack, kind=WorkspaceWebClient)
            notifier = cls(client, WorkspaceTokens(installations))
        else:
            token = secret("SLACK_BOT_TOKEN").get_secret_value()
            client = build_web_client(token, settings.slack)
            notifier = cls(client)
        try:
            yield notifier
        finally:
            session = getattr(client, "session", None)
            if session is not None:
                await session.close()

    async def send(self, notice: Notice) -> None:
        if self._tokens is None:
            await self._send(notice)
            return
        token = await self._tokens.bot_token(notice.to.tenant)
        if token is None:
            raise DeliveryRefused(f"Slack workspace {notice.to.tenant} has uninstalled the app")
        async with speaking_for(token):
            await self._send(notice)

    async def _send(self, notice: Notice) -> None:
        user = notice.to.external_id
        posted = reminder_blocks(notice)
        try:
            opened = await self._client.conversations_open(users=user)
            channel = str(opened["channel"]["id"])
            await self._client.chat_postMessage(channel=channel, text=notice.text, blocks=posted)
            return
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in _GONE:
                raise DeliveryRefused(f"Slack user {user} is gone: {error}") from exc
            if error not in _NO_DM:
                raise PlatformError(f"Slack refused the reminder DM: {error}") from exc
            log.info("no DM with %s (%s); posting where the reminder was asked for", user, error)
        except SLACK_FAILURES as exc:
            raise PlatformError(f"Slack unreachable: {type(exc).__name__}") from exc
        await self._post_in_place(notice, posted)

    async def _post_in_place(self, notice: Notice, posted: list[Payload]) -> None:
        place = notice.place
        if place is None or place.platform != "slack" or place.channel_id.startswith("D"):
            raise DeliveryRefused("no DM and no channel to fall back to")
        mention = f"<@{notice.to.external_id}> "
        thread = place.thread_id if place.thread_id not in ("", place.channel_id) else None
        try:
            await self._client.chat_postMessage(
                channel=place.channel_id,
                thread_ts=thread,
                text=mention + notice.text,
                blocks=posted,
            )
        except SlackApiError as exc:
            raise DeliveryRefused(f"Slack refused: {exc.response.get('error')}") from exc
        except SLACK_FAILURES as exc:
            raise PlatformError(f"Slack unreachable: {type(exc).__name__}") from exc


class ReminderButtons:
    """The Snooze buttons (Done is the list's Complete button, handled with it)."""

    def __init__(self, chat: ChatService, client: AsyncWebClient) -> None:
        self._chat = chat
        self._client = client

    async def on_snooze(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        parsed = mapping.parse_task_button_value(str(action.get("value") or ""))
        clicker = mapping.clicker_of(body)
        if parsed is None:
            return
        owner, number = parsed
        channel = str((body.get("container") or {}).get("channel_id") or "")
        try:
            if clicker != owner:
                text = "Those buttons belong to someone else's reminder."
            else:
                reply = await self._chat.act(
                    author=mapping.user_ref(mapping.team_of(body), clicker),
                    tool="snooze_task",
                    arguments={"number": number, "until": _SNOOZES[str(action["action_id"])]},
                )
                text = reply.text or _snoozed_line(reply.tool_calls[0].outcome)
            await self._client.chat_postEphemeral(channel=channel, user=clicker, text=text)
        except Exception:
            log.exception("snooze button of %s failed", clicker)


def _snoozed_line(outcome: Outcome) -> str:
    task = task_of(outcome)
    return f"⏰ Snoozed #{task and task.number} until {task and task.remind_at}."


def register_reminders(app: AsyncApp, chat: ChatService) -> None:
    buttons = ReminderButtons(chat, app.client)
    app.action(SNOOZE_HOUR_ACTION)(buttons.on_snooze)
    app.action(SNOOZE_TOMORROW_ACTION)(buttons.on_snooze)
