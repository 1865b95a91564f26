"""The App Home tab, republished whenever a person's tasks change anywhere.

Refreshes run in the background so no reply waits for ``views.publish``, and they are
coalesced per person: while one publish runs, further requests collapse into one more run
afterwards, so the last view published always reflects the last change.
"""

from __future__ import annotations

import logging

from adapters.slack import views
from adapters.slack.mapping import PLATFORM
from adapters.slack.outbox import SlackOutbox
from bot.chat import ChatService
from bot.conversations import User
from bot.identity import UserRef
from bot.lifecycle import InFlight

log = logging.getLogger(__name__)


class HomeTab:
    def __init__(self, chat: ChatService, outbox: SlackOutbox, inflight: InFlight) -> None:
        self._chat = chat
        self._outbox = outbox
        self._inflight = inflight
        # Person → whether another refresh was asked for while one is running.
        self._pending: dict[UserRef, bool] = {}

    async def on_tasks_changed(self, user: User, author: UserRef) -> None:
        """``ChatService`` change listener: refresh the Home tab of Slack people."""
        if author.platform == PLATFORM:
            self.refresh(author)

    def refresh(self, person: UserRef) -> None:
        if person in self._pending:
            self._pending[person] = True
            return
        self._pending[person] = False
        self._inflight.spawn(self._refresh_until_current(person), name=f"home {person}")

    async def _refresh_until_current(self, person: UserRef) -> None:
        try:
            while True:
                await self.publish(person)
                if not self._pending[person]:
                    return
                self._pending[person] = False
        finally:
            del self._pending[person]

    async def publish(self, person: UserRef) -> None:
        reply = await self._chat.act(author=person, tool="list_tasks", arguments={})
        if reply.is_error or not reply.tool_calls:
            log.warning("home tab of %s shows 'unavailable': %s", person, reply.text)
            view = views.home_unavailable_view()
        else:
            view = views.home_view(
                reply.tool_calls[0].result.get("tasks", []), owner=person.external_id
            )
        try:
            await self._outbox.publish_home(person.external_id, view)
        except Exception:
            log.exception("views.publish for %s failed", person)
