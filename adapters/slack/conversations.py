"""Listeners for talk: @mentions, thread replies, DMs and ``/todo``.

Each one maps the payload to an ``IncomingMessage``, awaits ``ChatService.handle`` and posts
the rendered reply. A failure propagates to Bolt's error handler (``failures``), which logs it
with the conversation key and apologises where the person wrote.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack import blocks, mapping, mrkdwn, texts
from adapters.slack.blocks import OutgoingMessage
from adapters.slack.mapping import Payload, Route
from adapters.slack.outbox import SlackOutbox
from adapters.slack.profiles import SlackProfiles
from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey

log = logging.getLogger(__name__)

Post = Callable[[Sequence[OutgoingMessage]], Awaitable[None]]


class SlackConversations:
    def __init__(self, chat: ChatService, outbox: SlackOutbox, profiles: SlackProfiles) -> None:
        self._chat = chat
        self._outbox = outbox
        self._profiles = profiles

    async def on_mention(self, body: Payload, event: Payload, context: dict[str, Any]) -> None:
        bot = context.get("bot_user_id")
        if mapping.is_for_mention(event, bot):
            await self._converse(body, event, bot)

    async def on_message(self, body: Payload, event: Payload, context: dict[str, Any]) -> None:
        bot = context.get("bot_user_id")
        route = mapping.route_message(event, bot)
        if route is Route.IGNORE:
            return
        if route is Route.THREAD_REPLY:
            key = mapping.conversation_key(mapping.team_of(body), event)
            if not await self._joined(key):
                return
        await self._converse(body, event, bot)

    async def on_command(self, ack: AsyncAck, body: Payload) -> None:
        # Slack wants an answer within 3 seconds; the agent may take longer, so the real
        # answer goes to response_url afterwards.
        await ack()
        url = str(body["response_url"])

        async def post(messages: Sequence[OutgoingMessage]) -> None:
            await self._outbox.respond(url, messages)

        if str(body.get("text") or "").strip():
            await self._answer(mapping.command_to_incoming_message(body), post)
        else:
            await self._show_open_list(body, post)

    async def _converse(self, body: Payload, event: Payload, bot: str | None) -> None:
        message = mapping.to_incoming_message(body, event, bot_user_id=bot)
        target = mapping.reply_target(event)

        async def post(messages: Sequence[OutgoingMessage]) -> None:
            await self._outbox.post(target, messages)

        await self._answer(message, post)

    async def _answer(self, message: IncomingMessage, post: Post) -> None:
        message = await self._with_profile(message)
        reply = await self._chat.handle(message)
        if reply.duplicate:
            return
        await post(blocks.to_messages(reply, owner=message.author.external_id))

    async def _show_open_list(self, body: Payload, post: Post) -> None:
        author = mapping.user_ref(mapping.team_of(body), str(body["user_id"]))
        profile = await self._profiles.lookup(author.external_id)
        reply = await self._chat.act(
            author=author,
            tool="list_tasks",
            arguments={},
            display_name=profile.display_name if profile else None,
            timezone=profile.timezone if profile else None,
        )
        if reply.is_error or not reply.tool_calls:
            await post(blocks.compose(mrkdwn.escape(reply.text or texts.apology())))
            return
        await post(blocks.task_list_messages(reply.tool_calls[0], owner=author.external_id))

    async def _with_profile(self, message: IncomingMessage) -> IncomingMessage:
        profile = await self._profiles.lookup(message.author.external_id)
        if profile is None:
            return message
        return dataclasses.replace(
            message, display_name=profile.display_name, timezone=profile.timezone
        )

    async def _joined(self, key: ConversationKey) -> bool:
        """Whether the bot already talks in this thread (decided by the database)."""
        try:
            return await self._chat.has_conversation(key)
        except Exception:
            log.exception("cannot tell whether I talk in %s; leaving the message alone", key)
            return False
