"""Words the rules agent knows: number words, common task verbs, irregular past tenses.

Kept apart from the patterns so the vocabulary can grow without touching the grammar.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def regex(source: str) -> re.Pattern[str]:
    """``source`` compiled (case-insensitive) when a message first needs it, not at import."""
    return re.compile(source, re.IGNORECASE)


_NUMBERS = "one two three four five six seven eight nine ten eleven twelve"
CARDINAL_WORDS = {w: n for n, w in enumerate(_NUMBERS.split(), 1)}
NUMBER_WORDS = {
    **CARDINAL_WORDS,
    **dict.fromkeys(("a", "an"), 1),
    **dict.fromkeys(("couple", "a couple", "a couple of", "couple of"), 2),
    **dict.fromkeys(("few", "a few"), 3),
}

_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth"
ORDINAL_WORDS = {word: n for n, word in enumerate(_ORDINALS.split(), 1)}

# The words for finding a task live with the one matcher the tools and this agent share.
from bot.tools.words import (  # noqa: E402
    ACTION_VERBS,
    IRREGULAR_PAST,
    REFERENCE_FILLER,
    SYNONYMS,
    is_past_tense,
    past_to_present,
)

__all__ = [
    "ACTION_VERBS",
    "CARDINAL_WORDS",
    "CHANGE_VERBS",
    "COMMAND_NOUNS",
    "COMMAND_VERBS",
    "DONE_PHRASE",
    "DONE_VERBS",
    "IRREGULAR_PAST",
    "MISSPELLED",
    "NUMBER_WORDS",
    "ORDINAL_WORDS",
    "QUOTED",
    "REFERENCE_FILLER",
    "SHORTHAND",
    "STATUS_WORDS",
    "SYNONYMS",
    "is_past_tense",
    "past_to_present",
]


# Command words in their canonical spelling: the normaliser corrects typing slips of these
# ("dnoe" → "done") in the command slot of a message, so the patterns never list typos.
# Tuples, in a fixed order: the first word a slip is one edit from wins, deterministically.
_COMMAND_VERBS = """add remind list show done complete finish delete remove reopen rename undo
    help mark check tick move push postpone change update edit clear cancel drop scrap unmark what
    whats"""
COMMAND_VERBS = tuple(_COMMAND_VERBS.split())
CHANGE_VERBS = frozenset(COMMAND_VERBS) - {"add", "remind", "what", "whats"}  # of a task
# Nouns after "my" / "the" that make a message about the list ("whats on my lsit").
COMMAND_NOUNS = ("list", "tasks", "todos", "todo", "task")
# Verbs that say a task got done without naming it ("sorted the insurance", "knocked out
# the report", "dealt with the boiler"): in a deed they are "done", never part of a title.
_DONE_VERB_WORDS = """
    sort sorted handle handled finish finished complete completed knock knocked wrap wrapped
    nail nailed smash smashed tackle tackled deal dealt do did done
"""
DONE_VERBS = frozenset(_DONE_VERB_WORDS.split())
# Phrases that say "done" before the task: "took care of 3", "got through the emails".
DONE_PHRASE = (
    r"(?:took|taken|take)\s+care\s+of\s+|(?:got|get)\s+(?:through|round\s+to|around\s+to)\s+|"
    r"(?:knocked|crossed|ticked|checked|polished|wrapped|sorted|dealt)\s+(?:out|off|up|with)\s+"
)


# Short forms too short for edit distance, each to its canonical word.
SHORTHAND = {"ad": "add", "addd": "add", "sdd": "add", "aded": "add"}
# Status words long enough to correct wherever they stand (``normalise``).
STATUS_WORDS = ("finished", "completed", "complete", "finish", "deleted", "removed", "reopened",
    "done", "priority", "change", "delete", "remove")  # fmt: skip
# Common misspellings of the small words the rules read ("wich tasks are done").
MISSPELLED = {
    **{w: "which" for w in ("wich", "whcih", "whihc")},
    **{w: "what" for w in ("wat", "waht", "whta", "wht")},
    **{w: "whats" for w in ("wats", "wahts", "whtas")},
}
# A title in quotes ("rename 2 to 'a - b'"): kept as typed, never split or normalised.
QUOTED = r"(?<!\w)[\"“‘'][^\"“”‘’]+[\"”’'](?!\w)"
