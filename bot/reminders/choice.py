"""The ``set_reminder_platform`` tool: where a person's reminders and notices go.

"send my reminders on discord", "remind me on slack", "reminders here" (the platform of the
conversation), or back to the default: the platform the person last wrote on. Only a
platform the person can be reached on (an identity of theirs, linked or their own) can be
chosen; otherwise the answer says how to link one. Mixed into ``TaskToolbox``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import InvalidInput
from bot.outcomes import Reported
from bot.reminders import texts

if TYPE_CHECKING:
    from bot.conversations import User
    from bot.identity import UserRef
    from bot.stores import ReminderStore
    from bot.tools import schemas as specs

# Where a person can be reached; "here" and "last" are words for these (or for none).
NOTICE_PLATFORMS = ("slack", "discord", "console")


class ReminderPlaceTools:
    """Needs the toolbox's ``_reminder_store()``, ``user`` and ``speaker``."""

    user: User
    speaker: UserRef | None

    def _reminder_store(self) -> ReminderStore:
        raise NotImplementedError

    async def _set_reminder_platform(self, args: specs.SetReminderPlatformArgs) -> Reported:
        store = self._reminder_store()
        wanted: str | None = args.platform
        if wanted == "here":
            wanted = self.speaker.platform if self.speaker is not None else None
            if wanted not in NOTICE_PLATFORMS:
                raise InvalidInput(texts.no_platform_here())
        if wanted == "last":
            await store.set_notice_platform(user_id=self.user.id, platform=None)
            return Reported(texts.reminders_follow_you(), {"platform": None})
        assert wanted is not None
        recipient = await store.recipient(user_id=self.user.id)
        if wanted not in {ref.platform for ref in recipient.refs}:
            raise InvalidInput(texts.not_reachable_on(wanted))
        await store.set_notice_platform(user_id=self.user.id, platform=wanted)
        return Reported(texts.reminders_on(wanted), {"platform": wanted})
