"""The offline, deterministic ``rules`` agent."""

from __future__ import annotations

import logging

from bot.agent import AgentReply, AgentTurn, Tools
from bot.agents.rules.actions import Performer
from bot.agents.rules.intents import Intent, NotUnderstood
from bot.agents.rules.understand import understand

log = logging.getLogger(__name__)


def read_turn(turn: AgentTurn) -> Intent:
    """What the turn's message asks for, read on the person's local clock."""
    local_now = turn.now.astimezone(turn.tz).replace(tzinfo=None)
    return understand(turn.text, now=local_now)


class RulesAgent:
    """Understands common task language with patterns; answers help for everything else.

    Implements ``bot.agent.Agent`` and ``bot.agent.TriageAgent``.
    """

    name = "rules"

    def is_confident(self, turn: AgentTurn) -> bool:
        """True when the message is clearly one of the understood requests (pure, fast)."""
        intent = read_turn(turn)
        return intent.confident and not isinstance(intent, NotUnderstood)

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        intent = read_turn(turn)
        log.debug("rules agent read %r as %s", turn.text[:80], type(intent).__name__)
        text = await Performer(turn, tools).perform(intent)
        return AgentReply(text=text)
