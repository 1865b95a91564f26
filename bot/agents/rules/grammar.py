"""Ordered pattern rules: the first rule whose pattern matches and whose reader accepts wins."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from bot.agents.rules.intents import Intent, TaskRef
from bot.agents.rules.refs import parse_ref

log = logging.getLogger(__name__)
Reader = Callable[[re.Match[str], datetime], Intent | None]

COUNT = r"(?:\d+|an?|one|two|three|four|five|six|seven|couple(?:\s+of)?|a\s+couple(?:\s+of)?|few)"
DUE_FIELD = r"(?:due\s+date|deadline|due|date|due\s+time|time|reminder)"
LIST_NOUN = r"(?:list|todos?|to-?dos?|tasks|to-?do\s+list|todo\s+list|task\s+list)"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "couple": 2,
    "couple of": 2,
    "few": 3,
}


class Rules:
    """Patterns (matched against the whole cleaned message) and the readers they feed."""

    def __init__(self) -> None:
        # Patterns are compiled when a message first reaches them, not at import: compiling
        # every table was a tenth of the command line's start-up.
        self._rules: list[tuple[str | re.Pattern[str], Reader]] = []

    def rule(self, *patterns: str) -> Callable[[Reader], Reader]:
        def register(reader: Reader) -> Reader:
            for pattern in patterns:
                self._rules.append((pattern, reader))
            return reader

        return register

    def first(self, text: str, now: datetime) -> Intent | None:
        for index, (pattern, reader) in enumerate(self._rules):
            if isinstance(pattern, str):
                pattern = re.compile(pattern, re.IGNORECASE)
                self._rules[index] = (pattern, reader)
            match = pattern.match(text)
            if match:
                intent = reader(match, now)
                if intent is not None:
                    # Names only: what people write never reaches a log line.
                    log.debug("sub-rule %s fired", reader.__name__)
                    return intent
        return None


def task_ref(match: re.Match[str], group: str = "ref") -> TaskRef | None:
    """The task(s) named by ``group`` of ``match`` ("the task called x" → "x").

    A number right after a minus sign ("done -1", "delete –3") names no task: it is refused
    here, for every rule, rather than read as #1.
    """
    before = match.string[: match.start(group)]
    if re.search(r"(?:^|\s)[-−–]\s*$", before) and match[group].lstrip()[:1].isdigit():
        return None
    text = re.sub(
        r"^(?:the\s+)?(?:task|todo|item|one)\s+(?:called|named|for|about|that\s+says)\s+",
        "",
        match[group],
        flags=re.IGNORECASE,
    )
    return parse_ref(text)


def count(word: str) -> int:
    """ "3" → 3, "a couple of" → 2, "a" → 1."""
    word = re.sub(r"^a\s+", "", re.sub(r"\s+", " ", word.lower().strip()))
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)
