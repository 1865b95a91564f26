"""The agent protocol: what every backend (rules, openai, hybrid) implements.

An agent reads the turn, calls tools through the :class:`Tools` it is given (bound to the
speaker by the core; it cannot name another user), and returns the reply text. The tools record
every call and its result, so an agent never reports its own calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.conversations import StoredMessage, ToolCall, User


@dataclass(frozen=True, slots=True)
class AgentTurn:
    user: User
    text: str
    history: Sequence[StoredMessage]
    now: datetime
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class AgentReply:
    text: str
    tokens_used: int | None = None
    offline: bool = False
    # The turn did not complete (the text is an apology); set by the core, not by agents.
    failed: bool = False


class Tools(Protocol):
    """The task tools as an agent sees them (``bot.tools.TaskToolbox`` implements it)."""

    def schemas(self) -> list[dict[str, Any]]: ...

    async def call(self, name: str, arguments: Mapping[str, Any] | str | None) -> ToolCall: ...


class Agent(Protocol):
    name: str

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply: ...


class TriageAgent(Agent, Protocol):
    """An agent that can tell, cheaply and without I/O, whether it understands a turn.

    The hybrid backend lets such an agent (the offline ``rules`` agent) answer the turns it is
    confident about and sends the rest to the model. Asynchronous so that a message that is
    slow to read can be read off the event loop.
    """

    async def confident(self, turn: AgentTurn) -> bool: ...
