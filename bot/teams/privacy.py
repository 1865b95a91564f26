"""The privacy tools: export_my_data and forget_me.

``forget_me`` with ``confirm`` does not delete inside the turn (the turn still writes the
reply under the person): it sets ``forget_requested`` and the core deletes right after the
turn, so nothing of the conversation outlives the request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bot.errors import InvalidInput
from bot.outcomes import Reported
from bot.teams import texts
from bot.tools import schemas as specs

if TYPE_CHECKING:
    from bot.conversations import User
    from bot.teams.model import TeamStore

EXPORT_INLINE_MAX = 30_000  # characters of JSON a reply may carry; more goes to the CLI


class PrivacyTools:
    _teams: TeamStore | None
    user: User
    forget_requested: bool

    def _privacy_store(self) -> TeamStore:
        if self._teams is None:
            raise InvalidInput(texts.no_teams_here())
        return self._teams

    async def _export_my_data(self, args: specs.ExportMyDataArgs) -> Reported:
        data = await self._privacy_store().export_data(user_id=self.user.id)
        document = json.dumps(data, ensure_ascii=False, indent=1)
        counts = (len(data["tasks"]), len(data["messages"]))
        if len(document) > EXPORT_INLINE_MAX:
            return Reported(texts.export_too_big(*counts), {"size": len(document)})
        return Reported(texts.export_ready(*counts, document), {"data": data})

    async def _forget_me(self, args: specs.ForgetMeArgs) -> Reported:
        self._privacy_store()
        if not args.confirm:
            return Reported(texts.forget_confirm(), {"confirmed": False})
        self.forget_requested = True
        return Reported(texts.forgotten(), {"confirmed": True})
