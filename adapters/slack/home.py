"""The App Home tab, republished whenever a person's tasks change anywhere.

Refreshes run in the background so no reply waits for ``views.publish``, and they are
coalesced per person: while one publish runs, further requests collapse into one more run
afterwards, so the last view published always reflects the last change.

Which tab and page each person looks at is remembered (bounded, per process) so a refresh
after a change keeps it; clicks carry it in their values, so another process shows the right
page for a click, and at worst a background refresh elsewhere shows the first page of Open.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from adapters.slack import home_views
from adapters.slack.home_views import HomePage
from adapters.slack.mapping import PLATFORM
from adapters.slack.outbox import SlackOutbox
from bot.chat import ChatService
from bot.conversations import User
from bot.identity import UserRef
from bot.lifecycle import InFlight
from bot.outcomes import TaskPage

log = logging.getLogger(__name__)

MAX_REMEMBERED = 10_000  # people whose tab and page are kept


class HomeTab:
    def __init__(self, chat: ChatService, outbox: SlackOutbox, inflight: InFlight) -> None:
        self._chat = chat
        self._outbox = outbox
        self._inflight = inflight
        # Person → whether another refresh was asked for while one is running.
        self._pending: dict[UserRef, bool] = {}
        # Person → the tab and page they last looked at, least recently shown first.
        self._pages: OrderedDict[UserRef, HomePage] = OrderedDict()

    async def on_tasks_changed(self, user: User, author: UserRef) -> None:
        """``ChatService`` change listener: refresh the Home tab of Slack people."""
        if author.platform == PLATFORM:
            self.refresh(author)

    def show(self, person: UserRef, page: HomePage) -> None:
        """Show ``person`` this tab and page from now on (refreshes keep it)."""
        self._pages[person] = page
        self._pages.move_to_end(person)
        while len(self._pages) > MAX_REMEMBERED:
            self._pages.popitem(last=False)
        self.refresh(person)

    def page_of(self, person: UserRef) -> HomePage:
        return self._pages.get(person) or HomePage()

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
        page = self.page_of(person)
        result = await self._list(person, page)
        last = result.pages if result else 1
        if result is not None and page.page > last:
            # The page shown has emptied (its last task was completed or reopened): show the
            # last page there is.
            page = HomePage(page.tab, last)
            self._pages[person] = page
            result = await self._list(person, page)
        if result is None:
            view = home_views.home_unavailable_view()
        else:
            view = home_views.home_view(result, page=page, owner=person.external_id)
        try:
            await self._outbox.publish_home(person.external_id, view)
        except Exception:
            log.exception("views.publish for %s failed", person)

    async def _list(self, person: UserRef, page: HomePage) -> TaskPage | None:
        """One page of ``person``'s tasks as ``list_tasks`` returns it; None if unavailable."""
        reply = await self._chat.act(
            author=person, tool="list_tasks", arguments=page.list_arguments()
        )
        if reply.is_error or not reply.tool_calls:
            log.warning("home tab of %s shows 'unavailable': %s", person, reply.text)
            return None
        listed = reply.tool_calls[0].outcome
        return listed if isinstance(listed, TaskPage) else None
