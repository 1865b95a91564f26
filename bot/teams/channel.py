"""Channel lists: one list owned by a channel, which everyone talking there reads and changes.

The list belongs to a person of its own — the channel, known by the identity
``("channel", "<platform>/<tenant>", <channel id>)`` — so every task rule (numbers, order,
paging, reminders' absence) is the personal list's, and the channel's tasks never mix with
anyone's own. The channel is always the one the message came from (the conversation's key),
never a name the speaker types, so nobody reaches the list of a channel they are not in.
Who added, completed or removed what is written into the task's notes and shown in lists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import InvalidInput
from bot.identity import ConversationKey, UserRef
from bot.outcomes import ChannelResult, Failure, TaskChanged, TaskPage
from bot.teams import texts
from bot.tools import schemas as specs

if TYPE_CHECKING:
    from bot.conversations import User
    from bot.stores import TaskStore, UserStore

CHANNEL_PLATFORM = "channel"


def channel_ref(place: ConversationKey) -> UserRef:
    """The owner of the list of ``place``'s channel (threads of one channel share it)."""
    return UserRef(CHANNEL_PLATFORM, f"{place.platform}/{place.tenant}"[:64], place.channel_id)


def channel_name(ref: UserRef) -> str:
    """How exports name a channel list: ``slack/T1/C123``, ``console/local/channel:team``."""
    return f"{ref.tenant}/{ref.external_id}"


class ChannelTools:
    _tasks: TaskStore
    _users: UserStore
    user: User
    now: datetime
    place: ConversationKey | None
    speaker: UserRef | None

    async def _channel_list(self, args: specs.ChannelListArgs) -> ChannelResult | Failure:
        from bot.tools.toolbox import TaskToolbox  # the same tools, bound to the channel

        if self.place is None:
            raise InvalidInput(texts.channel_needs_a_channel())
        owner = await self._users.resolve_user(
            ref=channel_ref(self.place),
            display_name=f"#{self.place.channel_id}"[:200],
            timezone=self.user.timezone,
        )
        shared = TaskToolbox(
            tasks=self._tasks, users=self._users, user=owner, now=self.now, place=None
        )
        who = self.user.display_name
        if args.action == "add":
            if not args.title:
                raise InvalidInput(texts.channel_what_to_add())
            call = await shared.call(
                "add_task",
                {
                    "title": args.title,
                    "description": texts.channel_added_by(who),
                    **({"due": args.due} if args.due else {}),
                },
            )
        elif args.action == "list":
            call = await shared.call("list_tasks", {"status": "open", "page_size": 50})
        else:
            if args.number is None:
                raise InvalidInput(texts.channel_which_task())
            tool = {"complete": "complete_task", "reopen": "reopen_task", "delete": "delete_task"}
            call = await shared.call(tool[args.action], {"number": args.number})
            if call.outcome.ok and args.action != "delete":
                note = texts.channel_done_by(who) if args.action == "complete" else None
                if note:
                    await shared.call("update_task", {"number": args.number, "append_note": note})
        list_name = channel_name(channel_ref(self.place))
        outcome = call.outcome
        if isinstance(outcome, TaskChanged | TaskPage):
            message = texts.channel_result(args.action, outcome)
            return ChannelResult(inner=outcome, list_name=list_name, message=message)
        assert isinstance(outcome, Failure), outcome  # the list tools answer nothing else
        return replace(
            outcome,
            message=outcome.message or texts.channel_failed(),
            extra={**outcome.extra, "list": list_name},
        )
