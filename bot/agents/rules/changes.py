"""Messages that change existing tasks, in the order they are tried.

Bulk requests first ("remove all completed" is allowed, "delete everything" is not), then
edits of a field ("remove the due date from 2" before "remove 2"), then state changes.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.agents.rules.edits import EDITS, NOTES
from bot.agents.rules.intents import Intent, RemoveCompleted, Smalltalk
from bot.agents.rules.status import STATUS

_I = re.IGNORECASE
_REMOVE_COMPLETED = re.compile(
    r"^(?:delete|remove|clear|clean\s*up|clean\s+out|purge|wipe|archive|get\s+rid\s+of|drop|"
    r"trash|clear\s+out|nuke|hide|bin)\s+(?:out\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+|my\s+)?"
    r"(?:completed|done|finished|checked(?:\s+off)?|ticked(?:\s+off)?|closed|old)\b"
    r"(?:\s+(?:tasks?|ones|items|todos|stuff|things|list))?(?:\s+(?:tasks|from\s+my\s+list))?$"
    r"|^(?:delete|remove|clear|purge)\s+(?:all\s+)?(?:the\s+)?(?:tasks|items|ones)\s+"
    r"(?:that\s+are|i'?ve|i\s+have|already)\s+(?:done|completed|finished)$"
    r"|^(?:delete|remove|clear)\s+everything\s+(?:that'?s|i'?ve|i\s+have)\s+"
    r"(?:done|completed|finished)$",
    _I,
)
_BULK = re.compile(
    r"^(?:delete|remove|clear|wipe|erase|drop|nuke|purge|trash|scrap|reset|empty|complete|"
    r"finish|mark)\s+(?:out\s+)?(?:all|everything|every\s+(?:single\s+)?task|all\s+(?:of\s+)?"
    r"(?:my\s+|the\s+)?(?:tasks|todos|items)|my\s+(?:whole\s+|entire\s+)?(?:list|tasks)|"
    r"the\s+(?:whole\s+|entire\s+)?list)\b",
    _I,
)
# A verb with no task after it: ask which one rather than guess.
_BARE_VERB = re.compile(
    r"^(?P<verb>done|finished|complete|completed|mark\s+(?:as\s+)?(?:done|complete)|delete|"
    r"remove|reopen|check\s+off|tick\s+off|drop|cancel|rename|postpone|move|edit|update|change)"
    r"(?:\s+(?:a|one|the|my)\s+(?:task|todo|item))?$",
    _I,
)


def read_note(text: str, *, now: datetime) -> Intent | None:
    """Details added to a task ("add a note to 3: …"), or None."""
    return NOTES.first(text, now)


def read_change(text: str, *, now: datetime) -> Intent | None:
    """The change ``text`` asks for, or None when it asks for no change."""
    if _REMOVE_COMPLETED.match(text):
        return RemoveCompleted()
    if _BULK.match(text):
        return Smalltalk("refuse_bulk")
    bare = _BARE_VERB.match(text)
    if bare:
        return Smalltalk("which", topic=bare["verb"].split()[0].lower())
    return EDITS.first(text, now) or STATUS.first(text, now)
