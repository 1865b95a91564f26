"""The ``hybrid`` backend: the offline agent answers what it is sure of, the model the rest.

Plain adds, "done 2" or "what's due today?" cost nothing and take milliseconds with the rules
agent; only the messages it is not confident about reach the model (which itself falls back to
the offline agent when it is down).
"""

from __future__ import annotations

import logging

from bot.agent import Agent, AgentReply, AgentTurn, Tools, TriageAgent

log = logging.getLogger(__name__)


class HybridAgent:
    name = "hybrid"

    def __init__(self, *, triage: TriageAgent, model: Agent) -> None:
        self._triage = triage
        self._model = model

    async def routes_to_rules(self, turn: AgentTurn) -> bool:
        """True when the offline agent is confident; a triage that crashes counts as unsure."""
        try:
            return await self._triage.confident(turn)
        except Exception:
            log.exception("triage by %s failed; asking the model", self._triage.name)
            return False

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        if await self.routes_to_rules(turn):
            log.debug("hybrid: %s answers", self._triage.name)
            return await self._triage.respond(turn, tools)
        log.debug("hybrid: %s answers", self._model.name)
        return await self._model.respond(turn, tools)

    async def aclose(self) -> None:
        for agent in (self._model, self._triage):
            close = getattr(agent, "aclose", None)
            if close is not None:
                await close()
