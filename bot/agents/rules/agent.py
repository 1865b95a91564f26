"""The offline, deterministic ``rules`` agent."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from bot.agent import AgentReply, AgentTurn, Tools
from bot.agents.rules.actions import Performer
from bot.agents.rules.intents import Answer, Intent, NotUnderstood
from bot.agents.rules.state import confirmation, last_state
from bot.agents.rules.understand import understand
from bot.dates.lazy import LazyPattern

log = logging.getLogger(__name__)

_YES = LazyPattern(
    r"^(?:y|yes|yep|yeah|yup|ya|sure|ok|okay|k|do\s+it|go\s+ahead|go\s+for\s+it|confirm(?:ed)?|"
    r"please\s+do|yes\s+please|correct|right|absolutely|definitely|all\s+of\s+them)$",
    re.IGNORECASE,
)
_NO = LazyPattern(
    r"^(?:n|no|nope|nah|cancel|stop|don'?t|do\s+not|never\s*mind|nvm|no\s+thanks|wait|abort|"
    r"leave\s+it|forget\s+it)$",
    re.IGNORECASE,
)


def read_turn(turn: AgentTurn) -> Intent:
    """What the turn's message asks for, read on the person's local clock."""
    state = last_state(turn)
    if confirmation(state) is not None:
        said = re.sub(r"[\s!.,]+$", "", turn.text.strip()).strip()
        if _YES.match(said) or _NO.match(said):
            return Answer(yes=bool(_YES.match(said)))
    local_now = turn.now.astimezone(turn.tz).replace(tzinfo=None)
    return understand(turn.text, now=local_now, expecting_tasks=_expecting_tasks(turn, state))


def _expecting_tasks(turn: AgentTurn, state: Mapping[str, Any]) -> bool:
    """Whether the speaker is in the middle of giving new tasks one line at a time: the bot
    just asked what to add (kept as state), or their last line was a bullet that was added."""
    if state.get("awaiting") == "tasks":
        return True
    last_user = last_reply = None
    for message in reversed(turn.history):
        if message.user_id != turn.user.id:
            continue
        if message.role == "assistant" and last_reply is None:
            last_reply = message
        elif message.role == "user" and last_user is None:
            last_user = message
        if last_user and last_reply:
            break
    if last_reply is None or last_user is None:
        return False
    added = any(c.name == "add_task" and c.outcome.ok for c in last_reply.tool_calls)
    return added and bool(re.match(r"\s*(?:[-*•·+]|\d{1,2}[.)])\s+", last_user.content))


class RulesAgent:
    """Understands common task language with rules; answers help for everything else.

    Implements ``bot.agent.Agent`` and ``bot.agent.TriageAgent``.
    """

    name = "rules"
    # No I/O but the tool calls: the core may run them and the reply in one transaction.
    answers_instantly = True

    def is_confident(self, turn: AgentTurn) -> bool:
        """True when the message is clearly one of the understood requests (pure, fast)."""
        intent = read_turn(turn)
        return intent.confident and not isinstance(intent, NotUnderstood)

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        intent = read_turn(turn)
        log.debug("rules agent read the message as %s", type(intent).__name__)
        text = await Performer(turn, tools).perform(intent)
        return AgentReply(text=text)
