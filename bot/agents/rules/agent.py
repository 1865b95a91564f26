"""The offline, deterministic ``rules`` agent."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from bot.agent import AgentReply, AgentTurn, Tools
from bot.agents.rules.actions import Performer
from bot.agents.rules.intents import Answer, Intent, NotUnderstood
from bot.agents.rules.reader_process import ReaderProcess, ReaderUnavailable
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


# A message this short with this few joints (punctuation, "and", "not", "to" …: where the
# rules split and retry) reads in under 3 ms even when it is junk (random strings of those
# joints, measured): read on the event loop, no hop (~0.2 ms). Anything else can take tens
# of milliseconds, so the reader process reads it (``benchmarks/loop_lag.py``).
QUICK_CHARS = 100
QUICK_JOINTS = 3
_JOINT = LazyPattern(r"[,;:.+()\"'\n&/-]|\b(?:and|then|also|not|to|is)\b", re.IGNORECASE)


def reads_quickly(text: str) -> bool:
    """Whether ``text`` is short and plain enough to understand on the event loop."""
    return len(text) <= QUICK_CHARS and len(_JOINT.findall(text)) <= QUICK_JOINTS


def read_turn(turn: AgentTurn) -> Intent:
    """What the turn's message asks for, read on the person's local clock (here and now)."""
    intent, reading = _before_reading(turn)
    return intent if intent is not None else understand(turn.text, **reading)


def _before_reading(turn: AgentTurn) -> tuple[Intent | None, dict[str, Any]]:
    """A yes or no to a question the bot asked, or what ``understand`` needs besides the text."""
    state = last_state(turn)
    if confirmation(state) is not None:
        said = re.sub(r"[\s!.,]+$", "", turn.text.strip()).strip()
        if _YES.match(said) or _NO.match(said):
            return Answer(yes=bool(_YES.match(said))), {}
    local_now = turn.now.astimezone(turn.tz).replace(tzinfo=None)
    return None, {"now": local_now, "expecting_tasks": _expecting_tasks(turn, state)}


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

    def __init__(self) -> None:
        self._reader = ReaderProcess()
        # The last turn read and its intent: the hybrid backend asks ``confident`` and then
        # ``respond`` about the same turn, which is then read once.
        self._last: tuple[AgentTurn, Intent] | None = None

    def is_confident(self, turn: AgentTurn) -> bool:
        """True when the message is clearly one of the understood requests (pure; read here,
        on the caller's thread, however long the message: see ``confident``)."""
        return _sure(read_turn(turn))

    async def confident(self, turn: AgentTurn) -> bool:
        """``is_confident``, with a message that can be slow to read read off the event loop."""
        return _sure(await self.read(turn))

    async def read(self, turn: AgentTurn) -> Intent:
        """What the turn asks for; a message that can be slow to understand is read in the
        reader process, so the event loop never waits for it."""
        last = self._last
        if last is not None and last[0] is turn:
            return last[1]
        intent, reading = _before_reading(turn)
        if intent is None:
            if reads_quickly(turn.text):
                intent = understand(turn.text, **reading)
            else:
                intent = await self._read_aside(turn.text, reading)
        self._last = (turn, intent)
        return intent

    async def _read_aside(self, text: str, reading: dict[str, Any]) -> Intent:
        try:
            return await self._reader.understand(text, **reading)
        except ReaderUnavailable:
            # Slow for everyone else on the loop, but the person gets their answer.
            log.exception("reading the message on the event loop instead")
            return understand(text, **reading)

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        intent = await self.read(turn)
        log.debug("rules agent read the message as %s", type(intent).__name__)
        text = await Performer(turn, tools).perform(intent)
        return AgentReply(text=text)

    async def aclose(self) -> None:
        self._last = None
        await self._reader.aclose()


def _sure(intent: Intent) -> bool:
    return intent.confident and not isinstance(intent, NotUnderstood)
