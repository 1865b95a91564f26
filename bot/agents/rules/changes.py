"""Messages that change existing tasks, in the order they are tried.

Bulk requests first ("remove all completed" is allowed, "delete everything" is not), then
edits of a field ("remove the due date from 2" before "remove 2"), then state changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.agents.rules.edits import EDITS, NOTES
from bot.agents.rules.intents import Intent, RemoveCompleted, Smalltalk
from bot.agents.rules.status import STATUS
from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE
_REMOVE_COMPLETED = LazyPattern(
    r"^(?:delete|remove|clear|clean\s*up|clean\s+out|purge|wipe|archive|get\s+rid\s+of|drop|"
    r"trash|clear\s+out|nuke|hide|bin)\s+(?:out\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+|my\s+)?"
    r"(?:completed|done|finished|checked(?:\s+off)?|ticked(?:\s+off)?|closed|old)\b"
    r"(?:\s+(?:tasks?|ones|items|todos|stuff|things|list))?(?:\s+(?:tasks|from\s+my\s+list))?$"
    r"|^(?:delete|remove|clear|purge)\s+(?:all\s+)?(?:the\s+)?(?:tasks|items|ones|everything)\s+"
    r"(?:that\s+are|that'?s|i'?ve|i\s+have|already)\s+(?:done|completed|finished)$",
    _I,
)
_BULK = LazyPattern(
    r"^(?:delete|remove|clear|wipe|erase|drop|nuke|purge|trash|scrap|reset|empty|complete|"
    r"finish|mark)\s+(?:out\s+)?(?:all|everything|every\s+(?:single\s+)?task|all\s+(?:of\s+)?"
    r"(?:my\s+|the\s+)?(?:tasks|todos|items)|my\s+(?:whole\s+|entire\s+)?(?:list|tasks)|"
    r"the\s+(?:whole\s+|entire\s+)?list)\b",
    _I,
)
# A verb with no task after it: ask which one rather than guess.
_BARE_VERB = LazyPattern(
    r"^(?P<verb>done|finished|complete|completed|mark\s+(?:as\s+)?(?:done|complete)|delete|"
    r"remove|reopen|check\s+off|tick\s+off|drop|cancel|rename|postpone|move|edit|update|change)"
    r"(?:\s+(?:a|one|the|my)\s+(?:task|todo|item))?$",
    _I,
)


def read_note(text: str, *, now: datetime) -> Intent | None:
    """Details added to a task ("add a note to 3: …"), or None."""
    for _, read in NOTES.rows():
        intent = read(text, now)
        if intent is not None:
            return intent
    return None


def _remove_completed(text: str, now: datetime) -> Intent | None:
    return RemoveCompleted() if _REMOVE_COMPLETED.match(text) else None


def _bulk(text: str, now: datetime) -> Intent | None:
    return Smalltalk("refuse_bulk") if _BULK.match(text) else None


def _which_task(text: str, now: datetime) -> Intent | None:
    bare = _BARE_VERB.match(text)
    return Smalltalk("which", topic=bare["verb"].split()[0].lower()) if bare else None


# The change rows, in the order they are tried (each is a row of ``understand.RULES`` too,
# named "change:<name>"): the whole list's finished tasks ("remove all completed" is allowed,
# "delete everything" is not), a verb with no task, then edits of a field ("remove the due
# date from 2" before "remove 2") — rename, clear-due, shift, set-value, ref-then-value,
# words-then-value, topic-clear-due, due, postpone, priority, raise, normal, lower — then
# state changes: reopen, not-deed, not-did, complete, passive-deed, particle-state,
# bare-deed, deed, delete, no-longer.
CHANGE_ROWS: tuple[tuple[str, Callable[[str, datetime], Intent | None]], ...] = (
    ("remove-completed", _remove_completed),
    ("bulk-refused", _bulk),
    ("which-task", _which_task),
    *EDITS.rows(),
    *STATUS.rows(),
)


def read_change(text: str, *, now: datetime) -> Intent | None:
    """The change ``text`` asks for, or None when it asks for no change."""
    for _, read in CHANGE_ROWS:
        intent = read(text, now)
        if intent is not None:
            return intent
    return None
