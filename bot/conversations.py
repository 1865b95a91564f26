"""Messages in and out of the core, and what a conversation remembers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.identity import ConversationKey, UserRef
from bot.outcomes import ChannelResult, Outcome, TaskPage, parse_outcome
from bot.tasks import Task

Role = Literal["user", "assistant"]

_UNREAD: Any = object()  # a ToolCall's outcome not given: read it from the result


@dataclass(frozen=True, slots=True)
class User:
    """A person. ``timezone_pinned``: they chose the zone themselves, so a platform's profile
    zone no longer replaces it."""

    id: int
    display_name: str
    timezone: str
    timezone_pinned: bool = False


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call an agent made, with the arguments it gave and the result it got.

    ``result`` is the JSON form (what the model and MCP receive and conversations store);
    ``outcome`` is the same answer typed, read once from it, for everything that looks inside.
    """

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]
    # Given only by ``of`` (the toolbox, which holds it already); otherwise read from ``result``.
    outcome: Outcome = field(default=_UNREAD, repr=False, compare=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.outcome is _UNREAD:
            object.__setattr__(self, "outcome", parse_outcome(self.name, self.result))

    @classmethod
    def of(cls, name: str, arguments: dict[str, Any], outcome: Outcome) -> ToolCall:
        """The call that came to ``outcome``."""
        return cls(name=name, arguments=arguments, result=outcome.as_json(), outcome=outcome)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments, "result": self.result}

    def as_stored(self) -> dict[str, Any]:
        """What the conversation keeps of the call: big list results in a compact form.

        A list's result holds a page of tasks in full (kilobytes); later turns only refer back
        to them ("the second one", "it"), so each listed task keeps its number, title and
        state, and the counts stay. Every other result is kept whole (undo reads them).
        """
        outcome = self.outcome
        if isinstance(outcome, TaskPage | ChannelResult):
            return {
                "name": self.name,
                "arguments": self.arguments,
                "result": outcome.listed().as_json(),
            }
        return self.as_json()


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    conversation_id: int
    user_id: int
    speaker_name: str
    role: Role
    content: str
    tool_calls: list[ToolCall]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    key: ConversationKey


@dataclass(frozen=True, slots=True)
class TurnRequest:
    """What the start of a turn needs: the message, and how to read the person and history.

    ``timezone_hint`` is the platform's zone for the author (applied unless they pinned one);
    the history window is at most ``history_limit`` messages and about ``history_chars``
    characters of stored text (tool calls included).
    """

    message: IncomingMessage
    now: datetime
    default_timezone: str
    timezone_hint: str | None
    history_limit: int
    history_chars: int
    # A claim of the event older than this, never answered, belongs to a turn that died: a
    # new delivery takes it over.
    event_lease_seconds: float = 120.0


@dataclass(frozen=True, slots=True)
class TurnStart:
    """What the start of a turn stored and read in one transaction."""

    user: User
    conversation: Conversation
    history: list[StoredMessage]
    message: StoredMessage
    # Taking over a claim whose turn died: ``message`` is the one stored then, and ``reply``
    # the answer stored then but never posted, if it got that far.
    resumed: bool = False
    reply: StoredMessage | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """What an adapter hands the core: who said what, where.

    ``event_id`` is the platform's id for the delivery (Slack ``event_id``, Discord message id):
    a second delivery with the same id is a no-op. ``timezone`` is the person's zone when the
    platform knows it (Slack profiles do; Discord does not).
    """

    key: ConversationKey
    author: UserRef
    text: str
    event_id: str | None = None
    platform_message_id: str | None = None
    display_name: str | None = None
    timezone: str | None = None
    # Platform user ids the adapter vouches are people of this message's workspace (Discord:
    # the mentioned members of the server). ``None``: the tenant in a reference says it (Slack).
    workspace_people: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class EventRef:
    """The platform delivery a reply answers (see ``ChatService.answered``)."""

    platform: str
    event_id: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the adapter renders and posts.

    ``tasks`` are the tasks the reply shows (for buttons); ``duplicate`` means the event was
    seen before and nothing should be posted. ``event``: the delivery this answers; once the
    reply is posted the adapter calls ``ChatService.answered(reply)``.
    """

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    user_id: int | None = None
    is_error: bool = False
    duplicate: bool = False
    changed: bool = False
    event: EventRef | None = None
