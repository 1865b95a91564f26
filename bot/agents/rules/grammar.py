"""Ordered pattern rules: the first rule whose pattern matches and whose reader accepts wins."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.agents.rules.intents import Intent, TaskRef
from bot.agents.rules.lexicon import NUMBER_WORDS, regex
from bot.agents.rules.refs import parse_ref

Reader = Callable[[re.Match[str], datetime], Intent | None]

COUNT = r"(?:\d+|an?|one|two|three|four|five|six|seven|couple(?:\s+of)?|a\s+couple(?:\s+of)?|few)"
DUE_FIELD = r"(?:due\s+date|deadline|due|date|due\s+time|time|reminder)"
LIST_NOUN = r"(?:list|todos?|to-?dos?|tasks|to-?do\s+list|todo\s+list|task\s+list)"


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

    def rows(self) -> list[tuple[str, Callable[[str, datetime], Intent | None]]]:
        """One named row a reader, in the order written: its patterns tried in turn."""
        readers = list(dict.fromkeys(reader for _, reader in self._rules))
        return [(_name(reader), self._row(reader)) for reader in readers]

    def _row(self, reader: Reader) -> Callable[[str, datetime], Intent | None]:
        sources = [pattern for pattern, r in self._rules if r is reader]
        compiled: list[re.Pattern[str]] = []

        def read(text: str, now: datetime) -> Intent | None:
            if not compiled:
                compiled.extend(
                    p if isinstance(p, re.Pattern) else re.compile(p, re.IGNORECASE)
                    for p in sources
                )
            for pattern in compiled:
                match = pattern.match(text)
                intent = reader(match, now) if match else None
                if intent is not None:
                    return intent
            return None

        return read


def _name(reader: Reader) -> str:
    return reader.__name__.strip("_").replace("_", "-")


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


def without_correction(value: str) -> str:
    """ "10:15 not 10", "'pick up suit' not 'pick up shoes'": the new value, without the old
    one the person corrects."""
    return regex(r"\s*,?\s+(?:not|instead\s+of|rather\s+than)\s+[^,;]{1,40}$").sub("", value)


def count(word: str) -> int:
    """ "3" → 3, "a couple of" → 2, "a" → 1."""
    word = re.sub(r"^a\s+", "", re.sub(r"\s+", " ", word.lower().strip()))
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)
