"""Listeners for clicks and forms: task buttons, App Home, the "Add task" modal and the
"Add as todo" message shortcut.

Every change goes through ``ChatService.act`` with the person who clicked as the speaker, so
the tools only ever touch that person's own tasks.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack import blocks, mapping, mrkdwn, texts, views
from adapters.slack.blocks import OutgoingMessage
from adapters.slack.failures import tell_clicker
from adapters.slack.home import HomeTab
from adapters.slack.home_views import HomePage
from adapters.slack.mapping import Payload, Target
from adapters.slack.outbox import SlackOutbox
from adapters.slack.profiles import SlackProfiles
from bot.chat import ChatService
from bot.conversations import Reply
from bot.identity import UserRef
from bot.outcomes import Failure, task_of

log = logging.getLogger(__name__)

SHORTCUT_TITLE_LIMIT = 150


class SlackInteractions:
    def __init__(
        self,
        chat: ChatService,
        outbox: SlackOutbox,
        profiles: SlackProfiles,
        home: HomeTab,
    ) -> None:
        self._chat = chat
        self._outbox = outbox
        self._profiles = profiles
        self._home = home

    async def on_complete(self, ack: AsyncAck, body: Payload) -> None:
        await self._task_button(ack, body, tool="complete_task")

    async def on_delete(self, ack: AsyncAck, body: Payload) -> None:
        await self._task_button(ack, body, tool="delete_task")

    async def on_reopen(self, ack: AsyncAck, body: Payload) -> None:
        await self._task_button(ack, body, tool="reopen_task")

    async def on_next_page(self, ack: AsyncAck, body: Payload) -> None:
        """Next page of a list, shown where the list was; only its owner can turn the page."""
        await ack()
        await self._show_next_page(body, mapping.clicker_of(body))

    async def _show_next_page(self, body: Payload, clicker: str) -> None:
        action = (body.get("actions") or [{}])[0]
        parsed = mapping.parse_page_button_value(str(action.get("value") or ""))
        if parsed is None:
            log.warning("ignoring a page button with value %r", action.get("value"))
            return
        owner, arguments = parsed
        if clicker != owner:
            await self._tell(body, texts.not_your_list(f"<@{owner}>"))
            return
        author = mapping.user_ref(mapping.team_of(body), clicker)
        reply = await self._act(author, "list_tasks", arguments)
        if reply.is_error or not reply.tool_calls:
            await self._tell(body, mrkdwn.escape(reply.text or texts.apology()))
            return
        page = blocks.task_list_messages(reply.tool_calls[0], owner=owner)
        container = body.get("container") or {}
        if body.get("response_url") and container.get("is_ephemeral"):
            await self._outbox.respond(str(body["response_url"]), page)
            return
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id", ""))
        message = body.get("message") or {}
        thread = message.get("thread_ts") or message.get("ts")
        # Where the first page was posted, the next one goes too (the same thread).
        await self._outbox.post(Target(channel, thread), page)

    async def on_home_opened(self, body: Payload, event: Payload) -> None:
        if event.get("tab") == "home" and event.get("user"):
            person = mapping.user_ref(mapping.team_of(body), str(event["user"]))
            # The view Slack still has says which tab and page the person left it on.
            shown = HomePage.decode((event.get("view") or {}).get("private_metadata"))
            self._home.show(person, shown or self._home.page_of(person))

    async def on_home_show(self, ack: AsyncAck, body: Payload) -> None:
        """Open | Completed and the page buttons: the clicker's own Home, that tab and page."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        page = HomePage.decode(action.get("value"))
        if page is None:
            log.warning("ignoring a Home button with value %r", action.get("value"))
            return
        self._home.show(mapping.user_ref(mapping.team_of(body), mapping.clicker_of(body)), page)

    async def on_home_add(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        await self._outbox.open_view(str(body["trigger_id"]), views.add_task_modal())

    async def on_add_as_todo(self, ack: AsyncAck, body: Payload) -> None:
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id", ""))
        text = mrkdwn.from_slack(str(message.get("text") or ""))
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        source: str | None = None
        try:
            source = await self._outbox.permalink(channel=channel, ts=str(message["ts"]))
        except Exception:
            # Only the link back is lost; the form still opens.
            log.exception("no permalink for %s/%s", channel, message.get("ts"))
        modal = views.add_task_modal(
            title=mrkdwn.truncate(first_line.strip(), SHORTCUT_TITLE_LIMIT),
            notes=text,
            source=source,
        )
        await self._outbox.open_view(str(body["trigger_id"]), modal)

    async def on_add_submitted(self, ack: AsyncAck, body: Payload) -> None:
        # A modal's validation errors must be in the acknowledgement itself, so the task is
        # added before acknowledging (one quick tool call, no agent).
        form = views.read_add_task_form(body.get("view") or {})
        errors = form.errors()
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        author = mapping.user_ref(mapping.team_of(body), mapping.clicker_of(body))
        try:
            # No users.info here: a slow or rate-limited profile call would push the
            # acknowledgement past three seconds after the task was already added.
            reply = await self._act(author, "add_task", form.arguments(), quick=True)
        except Exception:
            # Not left to the app's error handler: the apology must be in the acknowledgement.
            log.exception("Add task form of %s failed", author)
            await ack(response_action="errors", errors={views.TITLE_BLOCK: texts.apology()})
            return
        if reply.is_error:
            failure = reply.tool_calls[0].outcome if reply.tool_calls else None
            code = failure.error if isinstance(failure, Failure) else None
            field = views.tool_error_block(code, form)
            await ack(response_action="errors", errors={field: reply.text})
            return
        await ack()

    async def _task_button(self, ack: AsyncAck, body: Payload, *, tool: str) -> None:
        await ack()
        await self._run_task_button(body, tool=tool, clicker=mapping.clicker_of(body))

    async def _run_task_button(self, body: Payload, *, tool: str, clicker: str) -> None:
        action = (body.get("actions") or [{}])[0]
        parsed = mapping.parse_task_button_value(str(action.get("value") or ""))
        if parsed is None:
            log.warning("ignoring %s button with value %r", tool, action.get("value"))
            return
        owner, number = parsed
        author = mapping.user_ref(mapping.team_of(body), clicker)
        if clicker != owner:
            await self._tell(body, texts.not_your_list(f"<@{owner}>"))
            return
        reply = await self._act(author, tool, {"number": number})
        in_home = (body.get("container") or {}).get("type") == "view"
        if reply.is_error or not reply.changed:
            if in_home:  # show the list as it is now; the clicked row may be long gone
                self._home.refresh(author)
            if reply.is_error:
                await self._tell(body, mrkdwn.escape(reply.text))
                return
        task = task_of(reply.tool_calls[0].outcome)
        title = mrkdwn.escape(task.title if task is not None else "")
        if tool == "delete_task":
            line = texts.deleted_line(number, title)
        elif tool == "reopen_task":
            line = texts.reopened_line(number, title)
        elif reply.changed:
            line = texts.completed_line(number, title)
        else:
            line = texts.already_completed(number, title)
        if not in_home:
            await self._settle_message(body, number, line)

    async def _settle_message(self, body: Payload, number: int, line: str) -> None:
        """Replace the clicked task's buttons with what happened to it."""
        message = body.get("message")
        container = body.get("container") or {}
        if not message or not message.get("blocks"):
            await self._tell(body, line)
            return
        settled = blocks.settle_task_block(message["blocks"], number, line)
        text = str(message.get("text") or "")
        if container.get("is_ephemeral"):
            await self._outbox.respond(
                str(body["response_url"]), [OutgoingMessage(text, settled)], replace=True
            )
        else:
            await self._outbox.update(
                channel=str(container.get("channel_id") or body["channel"]["id"]),
                ts=str(container.get("message_ts") or message["ts"]),
                text=text,
                blocks=settled,
            )

    async def _act(
        self, author: UserRef, tool: str, arguments: dict[str, Any], *, quick: bool = False
    ) -> Reply:
        profile = (
            self._profiles.cached(author.external_id)
            if quick
            else await self._profiles.lookup(author.external_id)
        )
        return await self._chat.act(
            author=author,
            tool=tool,
            arguments=arguments,
            display_name=profile.display_name if profile else None,
            timezone=profile.timezone if profile else None,
        )

    async def _tell(self, body: Payload, text: str) -> None:
        await tell_clicker(self._outbox, body, text)
