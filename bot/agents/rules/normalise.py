"""Normalisation before any rule reads a message: command words to their canonical spelling.

People type fast: "lsit", "dnoe 2", "cmoplete 3", "remidn me to …". Instead of writing every
misspelling into the patterns, the word in a *command slot* (the first word, or the word after
"my") is compared with the command vocabulary by edit distance (``rapidfuzz``'s optimal string
alignment, which counts a swap of two neighbouring letters as one edit). Only typing slips are
corrected — two letters swapped, or (in longer words) one letter missing or doubled — never a
replaced letter, so real words stay themselves ("remote" is not "remove", "lost" not "list").
Words elsewhere, titles included, are left exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.agents.rules.lexicon import (
    CARDINAL_WORDS,
    COMMAND_NOUNS,
    COMMAND_VERBS,
    MISSPELLED,
    QUOTED,
    SHORTHAND,
    STATUS_WORDS,
    regex,
)
from bot.dates.lazy import LazyPattern

_VOWELS = LazyPattern(r"[aeiouy]")
_RUNS = LazyPattern(r"(\w)\1{2,}")
_INFLECTIONS = frozenset({"s", "d", "ed", "r", "es"})
_WORD = LazyPattern(r"[A-Za-z]+")
_AFTER_MY = LazyPattern(r"\b(?:my|the|our)\s+([A-Za-z]+)", re.IGNORECASE)


def normalise(text: str) -> str:
    """``text`` with a mistyped command word (first word, or a noun after "my") corrected,
    a mistyped priority word before "priority" corrected ("hihg priority"), clock words
    written as digits ("half past 2" → "2:30") so the one date grammar reads them, and marks
    written their canonical way (``_MARKS``)."""
    text = _outside_quotes(text, _canonical_marks)
    text = regex(_CLOCK_WORDS).sub(_clock, text)
    level = regex(r"\b([a-z]{3,7})(?=\s+(?:priority|prio)\b)").search(text)
    word = level[1].lower() if level is not None else ""
    fixed = next((lv for lv in _LEVELS if lv != word and _slip_of(word, lv)), None)
    if level is not None and fixed is not None:
        text = text[: level.start(1)] + fixed + text[level.end(1) :]
    first = _WORD.match(text)
    if first is not None:
        text = _replace(text, first.start(), first.end(), COMMAND_VERBS)
    for match in reversed(list(_AFTER_MY.finditer(text))):
        text = _replace(text, match.start(1), match.end(1), COMMAND_NOUNS)
    return _outside_quotes(text, _status_slips)


def _outside_quotes(text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the text around quoted titles: a quoted title stays as typed."""
    if not any(mark in text for mark in "\"“‘'"):
        return change(text)
    pieces, start = [], 0
    for quoted in regex(QUOTED).finditer(text):
        pieces += [change(text[start : quoted.start()]), quoted[0]]
        start = quoted.end()
    return "".join([*pieces, change(text[start:])])


def _canonical_marks(text: str) -> str:
    lowered = text.lower()
    for triggers, pattern, canonical_form in _MARKS:
        if any(map(lowered.__contains__, triggers)):  # most messages hold none: no regex pass
            text = regex(pattern).sub(canonical_form, text)
    return text


def _status_slips(text: str) -> str:
    """A long status word is a slip wherever it stands ("mark 4 as finsihed"): long words
    slip by a swap or one letter, and no other word is that close to them."""
    for match in reversed(list(regex(r"\b(?:d[a-z]{3}|[cdfpr][a-z]{4,8})\b").finditer(text))):
        fixed = _status_slip(match[0].lower())
        if fixed is not None and match[0].lower() != fixed:
            text = text[: match.start()] + fixed + text[match.end() :]
    # The state slot of "mark 1 as …" holds a state: any word one edit from one is it ("dine").
    slot = regex(r"(?:mark|set|flag)\b.*\bas\s+([a-z]{4,9})$").match(text)
    if slot and slot[1].lower() not in STATUS_WORDS:
        fixed = next((w for w in STATUS_WORDS if OSA.distance(slot[1].lower(), w) == 1), None)
        text = text[: slot.start(1)] + fixed + text[slot.end(1) :] if fixed else text
    return text


@lru_cache(maxsize=4096)  # words repeat: a slip is looked up once
def _status_slip(word: str) -> str | None:
    return next((w for w in _near(word, STATUS_WORDS) if _slip_of(word, w)), None)


# Ways of writing the same mark, to the one the rules read: "(1) a (2) b" items as "1) a",
# "[high prio]" options as "(high prio)", "#2 + #4" as "#2 and #4", a word's common
# misspelling ("wich") as the word. Each with the text that must be in a message for it to
# apply at all.
_DIGITS = tuple("0123456789")
_MARKS: tuple[tuple[tuple[str, ...], str, str | Callable[[re.Match[str]], str]], ...] = (
    (("(", "["), r"(?:^|(?<=[\s:]))[(\[]([1-9]|[a-h])[)\]](?=\s)", r"\1)"),
    (("[",), r"(?<=\w)\s*\[([a-z][\w ,.:'-]*)\](?=\s|$|[,.;])", r" (\1)"),
    # ("+ a + b": bullet lines joined into one stay bullets)
    (("+",), r"(?<=[\w)])\s+\+\s+(?=[#\w])", lambda m: m[0] if m.string[0] == "+" else " and "),
    (tuple(MISSPELLED), rf"\b(?:{'|'.join(MISSPELLED)})\b", lambda m: MISSPELLED[m[0].lower()]),
    # Phrases to the one word the rules know: "done and dusted" is "done", "is finish" is
    # "is finished", "back to open" is "back", "everything, just not X" is "everything
    # except X"; "pls" inside a sentence says nothing.
    (
        ("number", "task"),
        rf"\b(number|task)\s+({'|'.join(CARDINAL_WORDS)})\b",
        lambda m: f"{m[1]} {CARDINAL_WORDS[m[2].lower()]}",
    ),  # "number two" is "number 2"
    (("dusted",), r"\b(done|finished)\s+and\s+dusted\b", r"\1"),
    (
        ("finish", "complete"),
        r"\b(is|are|was|were|'s|have|has|had)\s+(finish|complete)\b(?!\s+\w+ing)",
        r"\1 \2d",
    ),
    (("finishd",), r"\b(is|are|was|were|'s)\s+finishd\b", r"\1 finished"),
    (
        ("back",),
        r"^(?:put|move|set|bring|mark|switch|turn)\s+(.+?)\s+back\s+(?:to|as|into)\s+(?:open|active|"
        r"pending|to\s?-?do|not\s+done|undone|incomplete)\b",
        r"reopen \1",
    ),
    (
        ("not",),
        r"\b(everything|all(?:\s+of\s+them)?)((?:\s+(?:done|finished|complete|off))?)\s*,?\s+"
        r"(?:just\s+|but\s+)?not\s+",
        r"\1\2 except ",
    ),
    # "4 -> not done": an arrow to a state says the task is in it
    (
        ("->", "→", "=>"),
        r"^(#?\d{1,4})\s*(?:->|→|=>)\s*(?=(?:not\s+|un)?(?:done|complete|completed|finished|open)\b)",
        r"\1 is ",
    ),
    # "remind me what's on my plate" asks what is on it
    (("remind",), r"^remind\s+(?:me|us)\s+(?:of\s+)?what(?:'s|s|\s+is|\s+are)?\b", "what's"),
    (("pls", "plz", "please"), r"\s+(?:pls|plz|please)(?=\s*[,.;!?])", ""),
    # Power-user shorthand to words: "x2 x5" is "x 2 and 5", "!high" is "(high)", "w/" "with"
    (("x",), r"^x(?=#?\d)|(?<=\d)\s+x(?=\s*#?\d)", lambda m: "x " if m.start() == 0 else " and "),
    (("!",), r"(?<![\w!])!(high|low|medium|urgent)\b", r"(\1)"),
    (("w/",), r"(?<!\w)w/(?=\s*#?\d)", "with"),  # "done w/ 4"; "lunch w/ Priya" stays
    # "3rd item on the list" is task 3
    (
        _DIGITS,
        r"\b(?:the\s+)?(\d{1,3})(?:st|nd|rd|th)\s+(?:item|task|one|thing|todo)"
        r"(?:\s+(?:on|in)\s+(?:the|my)\s+list)?\b",
        r"#\1",
    ),
)


_LEVELS = ("high", "low", "medium", "urgent", "normal")
_CLOCK_WORDS = r"\b(?P<part>half|quarter)\s+(?P<rel>past|after|to|till)\s+(?P<hour>1[0-2]|[1-9])\b"


def _clock(match: re.Match[str]) -> str:
    hour = int(match["hour"])
    minutes = 30 if match["part"].lower() == "half" else 15
    if match["rel"].lower() in ("to", "till"):
        hour, minutes = (hour - 2) % 12 + 1, 60 - minutes
    return f"{hour}:{minutes:02d}"


def _replace(text: str, start: int, end: int, vocabulary: tuple[str, ...]) -> str:
    word = text[start:end]
    fixed = canonical(word, vocabulary)
    return text if fixed is None else text[:start] + fixed + text[end:]


def _slip_of(word: str, candidate: str) -> bool:
    if OSA.distance(word, candidate, score_cutoff=1) > 1:
        return False
    if word.startswith(candidate) and word[len(candidate) :] in _INFLECTIONS:
        return False  # "completed", "lists": the word itself, inflected
    if candidate.startswith(word) and candidate[len(word) :] in _INFLECTIONS:
        return False  # "remove" is no slip of "removed"
    if len(candidate) == len(word):
        # Same length at distance 1: a swap is a slip; a replaced letter may be a real word.
        return sorted(candidate) == sorted(word)
    return min(len(candidate), len(word)) >= 5


def _past(word: str) -> str:
    """ "complete" → "completed", "finish" → "finished": slips in past forms are slips too."""
    return word + ("d" if word.endswith("e") else "ed")


def canonical(word: str, vocabulary: tuple[str, ...]) -> str | None:
    """The vocabulary word ``word`` is a typing slip of, or None when it is none (or exact)."""
    lowered = _RUNS.sub(r"\1\1", word.lower())  # "adddd" → "add": a held-down key
    if lowered in vocabulary:
        return lowered if lowered != word.lower() else None
    if lowered in SHORTHAND and SHORTHAND[lowered] in vocabulary:
        return SHORTHAND[lowered]
    if len(lowered) >= 3 and not _VOWELS.search(lowered):
        # "shw", "lst", "dlt": a word typed without its vowels, when one command word fits.
        fits = [base for base in vocabulary if _VOWELS.sub("", base) == lowered]
        return fits[0] if len(fits) == 1 else None
    if len(lowered) < 4:
        return None
    forms = _with_past(vocabulary)
    return next((c for c in _near(lowered, forms) if _slip_of(lowered, c)), None)


@cache
def _with_past(vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(form for base in vocabulary for form in (base, _past(base)))


def _near(word: str, vocabulary: tuple[str, ...]) -> list[str]:
    """The vocabulary words one edit from ``word``, in the vocabulary's order (one C call)."""
    near = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=1, limit=None)
    return [choice for choice, _, _ in sorted(near, key=lambda found: found[2])]
