"""Team phrasing for the rules agent: assigning, "what did I assign?", linking accounts.

Read from the message as written (mentions included: cleaning would remove them):

- "assign 'order chairs' to @dana", "assign review the deck to <@U2> by friday",
  "give @dana order chairs", "ask @bob to send the invoice";
- "@bob can you review the deck by friday", "<@123> please book the room";
- "what did I assign?", "tasks I assigned", "show what I've assigned";
- "link my accounts" (a code), "link K7Q-4PZ" (use one), "unlink" / "unlink my accounts";
- "export my data"; "forget me" (explains), "forget me, I'm sure" (deletes);
- the channel's shared list: "add X to our list", "what's on our list?", "done 3 on our
  list", "remove 2 from our list".

A trailing "by/due/before/until <date>" becomes the due date (only when it reads as a date;
otherwise it stays in the title). Each request is carried out through the team tools.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot import dates
from bot.agents.rules.calls import Call, given
from bot.dates.lazy import LazyPattern
from bot.errors import InvalidInput
from bot.outcomes import message_of

_I = re.IGNORECASE
_WHO = r"(?P<who><@!?[\w.-]+(?:\|[^>]*)?>|@[\w.-]+)"
_ASSIGN = LazyPattern(
    rf"^(?:please\s+)?(?:assign|delegate|hand)\s+(?P<body>.+?)\s+(?:to|over\s+to)\s+{_WHO}"
    r"(?P<rest>(?:\s.*)?)$",
    _I,
)
_ASSIGN_TO_FIRST = LazyPattern(
    rf"^(?:please\s+)?(?:assign|give|delegate)\s+(?:to\s+)?{_WHO}\s*[:,-]?\s+"
    r"(?:(?:the\s+)?task\s+)?(?:to\s+)?(?P<body>.+)$",
    _I,
)
_ASK = LazyPattern(rf"^(?:please\s+)?(?:ask|tell|get)\s+{_WHO}\s+to\s+(?P<body>.+)$", _I)
# "@bob can you …" / "@bob please …" — but not a command to the bot itself that happens to
# follow a mention ("<@U1> please done 4"): those words are left to the task rules.
_COMMAND_WORDS = (
    r"(?:add|done|finish(?:ed)?|complete|completed|list|show|delete|remove|del|undo|mark|"
    r"remind|move|change|rename|snooze|reopen|undone|clear|set|help|what|whats|what's)\b"
)
_ADDRESS = LazyPattern(
    rf"^{_WHO}[\s,:-]+(?:(?:can|could|would|will)\s+you\s+(?:please\s+|pls\s+)?|"
    rf"please\s+|pls\s+)(?!{_COMMAND_WORDS})(?P<body>.+?)[?!.\s]*$",
    _I,
)
_DUE_TAIL = LazyPattern(
    r"^(?P<title>.+?)\s+(?:by|due|before|until|for)\s+(?P<due>[^,;]{2,40})$", _I
)
_HANDED = LazyPattern(
    r"^(?:what|which\s+tasks?|show(?:\s+me)?|list)\s+(?:did|have|has|tasks?|what)?\s*"
    r"(?:i|i've|ive)\s+(?:assigned|handed\s+out|delegated|assign)\b.*$"
    r"|^(?:tasks?|things|what)\s+(?:that\s+)?(?:i\s+)?(?:assigned|delegated)(?:\s+(?:by\s+me|to\s+others))?\W*$"
    r"|^(?:my\s+)?assigned\s+(?:by\s+me|tasks)\W*$",
    _I,
)
_LINK = LazyPattern(
    r"^(?:please\s+)?(?:link|connect|join)\s+(?:my\s+|this\s+|these\s+)?"
    r"(?:accounts?|identities|identity|profiles?)(?:\s+together)?\W*$",
    _I,
)
_LINK_CODE = LazyPattern(
    r"^(?:link|use\s+code|link\s+code)\s+`?(?P<code>[A-Za-z0-9]{3}-?[A-Za-z0-9]{3})`?\W*$", _I
)
_UNLINK = LazyPattern(
    r"^(?:please\s+)?(?:unlink|disconnect|separate)(?:\s+(?:my|this|these))?"
    r"(?:\s+(?:accounts?|identities|identity|profiles?))?\W*$",
    _I,
)

_EXPORT = LazyPattern(
    r"^(?:please\s+)?(?:export|download|send\s+me|give\s+me)\s+(?:all\s+)?(?:of\s+)?my\s+"
    r"(?:data|information|info|personal\s+data)\W*$",
    _I,
)
_FORGET = LazyPattern(
    r"^(?:please\s+)?(?:forget\s+(?:about\s+)?me|delete\s+(?:all\s+)?(?:of\s+)?my\s+"
    r"(?:data|account|information)|delete\s+me)(?P<sure>[\s,.!-]+(?:i'?m|i\s+am)\s+sure|"
    r"[\s,.!-]+(?:yes|confirm(?:ed)?))?\W*$",
    _I,
)

_OUR = (
    r"our\s+(?:shared\s+|team\s+|channel\s+)?(?:list|todo\s*list|to-?do\s+list|todos|to-?dos|tasks)"
)
_OUR_ADD = LazyPattern(
    rf"^(?:please\s+)?(?:add|put|stick|pop)\s+(?P<body>.+?)\s+(?:to|on|onto|in)\s+{_OUR}\W*$", _I
)
_OUR_LIST = LazyPattern(
    rf"^(?:what'?s|what\s+is|whats|show(?:\s+me)?|list|see)\s+(?:on\s+|in\s+)?{_OUR}\W*$"
    rf"|^{_OUR}\W*$",
    _I,
)
_OUR_CHANGE = LazyPattern(
    r"^(?:please\s+)?(?P<verb>done|complete|finish(?:ed)?|tick(?:\s+off)?|check(?:\s+off)?|"
    r"delete|remove|drop|reopen|undone)\s+#?(?P<n>\d{1,9})\s+(?:on|in|from|off)\s+"
    rf"{_OUR}\W*$",
    _I,
)
_CHANGE_ACTIONS = {
    "delete": "delete",
    "remove": "delete",
    "drop": "delete",
    "reopen": "reopen",
    "undone": "reopen",
}

TeamAction = Literal["assign", "handed_out", "link", "unlink", "export", "forget", "channel"]


@dataclass(frozen=True, slots=True)
class TeamRequest:
    """One team request, as plain values."""

    action: TeamAction
    assignee: str = ""
    title: str = ""
    due: str | None = None
    code: str | None = None
    confident: bool = True
    channel_action: str = ""
    number: int | None = None


def read_team_request(message: str, *, now: datetime) -> TeamRequest | None:
    """The team request in ``message`` (as written, mentions kept), or ``None``."""
    text = re.sub(r"\s+", " ", message).strip()
    if not text or len(text) > 1_000 or "\n" in message.strip():
        return None
    channel = _read_channel_request(text, now=now)
    if channel is not None:
        return channel
    if _LINK.match(text):
        return TeamRequest("link")
    code = _LINK_CODE.match(text)
    if code:
        return TeamRequest("link", code=code["code"])
    if _UNLINK.match(text):
        return TeamRequest("unlink")
    if _EXPORT.match(text):
        return TeamRequest("export")
    forget = _FORGET.match(text)
    if forget:
        return TeamRequest("forget", code="sure" if forget["sure"] else None)
    if _HANDED.match(text):
        return TeamRequest("handed_out")
    for pattern in (_ASSIGN, _ASSIGN_TO_FIRST, _ASK, _ADDRESS):
        match = pattern.match(text)
        if match is None:
            continue
        body = match["body"]
        rest = (match.groupdict().get("rest") or "").strip()
        return _assignment(match["who"], f"{body} {rest}".strip(), now=now)
    return None


def _read_channel_request(text: str, *, now: datetime) -> TeamRequest | None:
    added = _OUR_ADD.match(text)
    if added:
        title, due = _title_and_due(added["body"], now=now)
        return TeamRequest("channel", title=title, due=due, channel_action="add") if title else None
    if _OUR_LIST.match(text):
        return TeamRequest("channel", channel_action="list")
    change = _OUR_CHANGE.match(text)
    if change:
        verb = change["verb"].split()[0].lower()
        action = _CHANGE_ACTIONS.get(verb, "complete")
        return TeamRequest("channel", channel_action=action, number=int(change["n"]))
    return None


def _assignment(who: str, words: str, *, now: datetime) -> TeamRequest | None:
    title, due = _title_and_due(words, now=now)
    return TeamRequest("assign", assignee=who, title=title, due=due) if title else None


def _title_and_due(words: str, *, now: datetime) -> tuple[str, str | None]:
    """A title without quotes, and its due date when the words end with one ("by friday")."""
    words = words.strip(" ,.?!")
    match = _DUE_TAIL.match(words)
    due = None
    if match is not None:
        try:
            dates.parse_due(match["due"], now=now.replace(tzinfo=UTC), tz=ZoneInfo("UTC"))
            words, due = match["title"], match["due"]
        except InvalidInput:
            pass  # "for the team": not a date, part of the title
    return words.strip().strip("'\"‘’“”").strip(), due


# The team tool for each action, and its arguments from the request.
_TOOLS: dict[TeamAction, tuple[str, Callable[[TeamRequest], dict[str, Any]]]] = {
    "assign": (
        "assign_task",
        lambda r: given(assignee=r.assignee, title=r.title, due=r.due or None),
    ),
    "handed_out": ("list_assigned", lambda r: {}),
    "link": ("link_accounts", lambda r: given(code=r.code or None)),
    "unlink": ("unlink_accounts", lambda r: {}),
    "export": ("export_my_data", lambda r: {}),
    "forget": ("forget_me", lambda r: {"confirm": r.code == "sure"}),
    "channel": (
        "channel_list",
        lambda r: given(
            action=r.channel_action, title=r.title or None, due=r.due or None, number=r.number
        ),
    ),
}


async def perform_team_request(request: TeamRequest, call: Call) -> str:
    """Carry ``request`` out through the team tools; the reply in words."""
    tool, arguments = _TOOLS[request.action]
    return message_of(await call(tool, arguments(request))) or ""
