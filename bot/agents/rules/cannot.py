"""Requests about the list itself that todobot cannot carry out yet: an honest answer.

"share my list with Pat", "assign 3 to Maria", "sync this with google calendar". A capability
word alone is not enough — "share the slides with the team" is a task to remember — so the
message must also be about the list or a task in it (my list, my tasks, this, #3, "to 2").
"""

from __future__ import annotations

import re

from bot.agents.rules.intents import Smalltalk
from bot.agents.rules.lexicon import regex
from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE
# The whole list as the object of a request ("send the list …", "put all of these …").
_THE_LIST = (
    r"(?:all\s+(?:of\s+)?)?(?:(?:my|the|this|our)\s+(?:whole\s+|entire\s+)?(?:list|task\s+list|tasks|todos|"
    r"to-?do\s+list)|these|those|them|it\s+all|everything|all)\b"
)
_SENDING = r"e-?mail|send|forward|text|dm|message|post|ping|slack"
# What the person asks for → how the answer names it ("I can't share your list yet").
_CAPABILITIES = (
    ("share", r"^(?:share|publish|make\s+public)\b"),
    ("assign", r"^(?:assign|delegate|hand\s+(?:over|off)|reassign)\b"),
    ("access", r"^(?:give|grant|let)\s+\S+(?:\s+\S+)?\s+(?:access|permission|see|view|edit)\b"),
    (
        "invite",
        r"^(?:invite|add)\s+\S+(?:\s+\S+)?\s+to\s+(?:my|the|our|this)\s+(?:list|tasks|todos)",
    ),
    (
        "email",
        rf"^(?:e-?mail|send|text|dm|message)\s+(?:me|us)\b|^(?:send|forward|e?-?mail)\s+{_THE_LIST}",
    ),
    # a task itself sent somewhere: "email 2 to my boss", "send a slack ping about #3"
    (
        "email",
        rf"^(?:{_SENDING})\s+(?:task\s+)?#?\d{{1,4}}\s+to\b"
        rf"|^(?:{_SENDING})\s+an?\s+(?:\w+\s+)?(?:reminder|message|note|"
        r"notification|ping|e-?mail)\b.*\b(?:about|re|for)\s+#?\d{1,4}$",
    ),
    ("sync", r"^(?:sync|synch?ronize|connect|link|integrate|import|export)\b"),
    (
        "sync",
        rf"^(?:put|add|copy|move|send|push)\s+{_THE_LIST}.*\b(?:calendar|outlook|gcal|ical)\b",
    ),
    ("attach", r"^(?:attach|upload)\b"),
    ("subtasks", r"\bsub-?tasks?\b|\bchecklists?\b"),
)
# Organising by tags is about the list whatever it names: a verb for it and a tag word.
_TAGS = LazyPattern(
    r"^(?:tag|label|categori[sz]e)\s+(?:#?\d|it\b|this\b|that\b|them\b|the\b|all\b)|"
    r"^(?:search|find|filter|sort|group|organi[sz]e|show|list)\b.*"
    r"\b(?:tags?|tagged|labels?|labell?ed|categor(?:y|ies)|projects?|folders?)\b",
    _I,
)
_ASSIGN_TO = LazyPattern(
    r"^(?:assign|delegate|reassign|hand\s+(?:off|over))\s+.+\s+to\s+\w+(?:\s+\w+)?$", _I
)
_ABOUT_THE_LIST = LazyPattern(
    r"\b(?:my|our|the|this|whole|all)\s+(?:list|lists|tasks?|todos?|to-?dos?|items?)\b|"
    r"\b(?:this|these|it|them|everything)\b|#?\b\d{1,4}\b|\b(?:google|outlook|calendar|"
    r"notion|trello|jira|asana|todoist|slack|discord|teams)\b",
    _I,
)


def read_cannot(text: str) -> Smalltalk | None:
    """An honest "I can't … yet" for a request about the list the bot has no tool for."""
    # "can i share this list?", "is it possible to assign 3 to Sam": the request itself
    text = regex(
        r"^(?:(?:can|could)\s+(?:i|we)\s+|is\s+it\s+possible\s+to\s+|how\s+(?:do|can)\s+i\s+)"
    ).sub("", text)
    if _TAGS.match(text):
        return Smalltalk("cannot", topic="tags")
    if _ASSIGN_TO.match(text):
        return Smalltalk("cannot", topic="assign")
    if not _ABOUT_THE_LIST.search(text):
        return None
    for what, pattern in _CAPABILITIES:
        if re.search(pattern, text, _I):
            return Smalltalk("cannot", topic=what)
    return None
