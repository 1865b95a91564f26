"""The team tools: assign_task, list_assigned, link_accounts, unlink_accounts.

Mixed into :class:`bot.tools.toolbox.TaskToolbox`, so the rules agent, the model agent and
MCP share them. The speaker is never an argument: the toolbox is bound to one person, and an
assignee is read in the workspace of the conversation (``bot.teams.mentions``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import dates
from bot.errors import InvalidInput
from bot.identity import ConversationKey, UserRef
from bot.outcomes import Reported, TaskView
from bot.tasks import Priority, Task, TaskDraft
from bot.teams import codes, texts
from bot.teams.mentions import assignee_ref
from bot.tools import schemas as specs

if TYPE_CHECKING:
    from bot.conversations import User
    from bot.teams.model import TeamStore


class TeamTools:
    """Needs the toolbox's ``_teams``, ``speaker``, ``user``, ``now``, ``tz``, ``place``."""

    _teams: TeamStore | None
    speaker: UserRef | None
    workspace_people: frozenset[str] | None
    user: User
    now: datetime
    tz: ZoneInfo
    place: ConversationKey | None

    def _view(self, task: Task) -> TaskView:
        raise NotImplementedError

    def _team_store(self) -> TeamStore:
        if self._teams is None:
            raise InvalidInput(texts.no_teams_here())
        return self._teams

    async def _assign_task(self, args: specs.AssignTaskArgs) -> Reported:
        teams = self._team_store()
        to = assignee_ref(args.assignee, self.place)
        if to.platform == "discord" and to.external_id not in (self.workspace_people or ()):
            # A Discord id is global: only a member of this server, vouched for by the
            # adapter from the message's own mentions, may be given a task.
            raise InvalidInput(texts.not_in_server(args.assignee))
        if self.speaker is not None and to == self.speaker:
            raise InvalidInput(texts.not_yourself())
        due = dates.parse_due(args.due, now=self.now, tz=self.tz) if args.due else None
        draft = TaskDraft(
            title=args.title,
            description=args.description,
            priority=Priority(args.priority),
            due=due,
        )
        done = await teams.assign(
            assigner=self.user,
            assigner_ref=self.speaker,
            assignee=to,
            draft=draft,
            now=self.now,
            timezone=self.user.timezone,
        )
        # The assignee's details are theirs from now on.
        task = self._view(done.task).without_description()
        return Reported(
            texts.assigned(done.task.number, done.task.title, _name(args.assignee)),
            {"assignee": str(done.assignee_ref), "assignee_name": done.assignee.display_name},
            task=task,
        )

    async def _list_assigned(self, args: specs.ListAssignedArgs) -> Reported:
        handed = await self._team_store().handed_out(user_id=self.user.id)
        assigned = [
            {"assignee": h.assignee, "number": h.number, "title": h.title, "state": h.state}
            for h in handed
        ]
        return Reported(texts.handed_out(handed), {"assigned": assigned})

    async def _link_accounts(self, args: specs.LinkAccountsArgs) -> Reported:
        teams = self._team_store()
        if args.code is None:
            if not _private(self.place):
                # Anyone reading the channel could use the code to join this account.
                raise InvalidInput(texts.code_in_private())
            code = codes.new_code()
            await teams.create_link_code(
                user_id=self.user.id,
                code_hash=codes.code_hash(code),
                now=self.now,
                expires_at=self.now + codes.LIFETIME,
                per_hour=codes.CODES_PER_HOUR,
            )
            minutes = int(codes.LIFETIME.total_seconds() // 60)
            return Reported(texts.link_code(code, minutes), {"code": code})
        if not codes.looks_like_code(args.code):
            raise InvalidInput(texts.bad_code())
        linked = await teams.redeem_link_code(
            user_id=self.user.id,
            code_hash=codes.code_hash(args.code),
            now=self.now,
            failures_allowed=codes.FAILURES_PER_10_MIN,
        )
        return Reported(
            texts.linked(linked.numbers),
            {"numbers": list(linked.numbers), "identities": [str(r) for r in linked.identities]},
        )

    async def _unlink_accounts(self, args: specs.UnlinkAccountsArgs) -> Reported:
        if self.speaker is None:
            raise InvalidInput(texts.not_linked())
        done = await self._team_store().unlink(user_id=self.user.id, ref=self.speaker, now=self.now)
        return Reported(
            texts.unlinked(done.numbers),
            {"identity": str(done.ref), "numbers": list(done.numbers)},
        )


def _private(place: ConversationKey | None) -> bool:
    """Whether only the speaker reads replies here: a DM, the console, an MCP client."""
    if place is None or place.platform == "console":
        return True
    if place.platform == "slack":
        return place.channel_id.startswith("D")
    return place.platform == "discord" and place.tenant == ""


def _name(mention: str) -> str:
    """How the reply names the assignee: as they were mentioned (the platform renders it)."""
    text = mention.strip()
    if text.startswith("<@"):
        return text  # Slack and Discord show <@id> as the person's name
    return text if text.startswith("@") else f"@{text}"
