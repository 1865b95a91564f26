"""Posting rendered messages: thread replies, ephemeral answers, message updates, views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import Block, OutgoingMessage
from adapters.slack.client import ResponseUrlClient
from adapters.slack.mapping import Target


class SlackOutbox:
    """The Web API calls the adapter makes, in one place; each raises on failure."""

    def __init__(self, client: AsyncWebClient, response_urls: ResponseUrlClient) -> None:
        self._client = client
        self._response_urls = response_urls

    async def post(self, target: Target, messages: Sequence[OutgoingMessage]) -> None:
        """Post ``messages`` in order in the target thread (or at top level)."""
        for message in messages:
            await self._client.chat_postMessage(
                channel=target.channel,
                thread_ts=target.thread_ts,
                text=message.text,
                blocks=message.blocks or None,
                unfurl_links=False,
                unfurl_media=False,
            )

    async def respond(
        self, response_url: str, messages: Sequence[OutgoingMessage], *, replace: bool = False
    ) -> None:
        """Answer through a ``response_url``, visible only to the person who asked."""
        for index, message in enumerate(messages):
            payload: dict[str, Any] = {
                "response_type": "ephemeral",
                "text": message.text,
                "replace_original": replace and index == 0,
            }
            if message.blocks:
                payload["blocks"] = message.blocks
            await self._response_urls.send(response_url, payload)

    async def whisper(self, target: Target, user: str, text: str) -> None:
        """An ephemeral line for ``user`` only, in the target thread."""
        await self._client.chat_postEphemeral(
            channel=target.channel, user=user, thread_ts=target.thread_ts, text=text
        )

    async def update(self, *, channel: str, ts: str, text: str, blocks: list[Block]) -> None:
        await self._client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    async def publish_home(self, user: str, view: dict[str, Any]) -> None:
        await self._client.views_publish(user_id=user, view=view)

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        await self._client.views_open(trigger_id=trigger_id, view=view)

    async def permalink(self, *, channel: str, ts: str) -> str:
        response = await self._client.chat_getPermalink(channel=channel, message_ts=ts)
        return str(response["permalink"])
