"""Messages of several clauses: several changes ("done 1, delete 2"), a change that names
its task by "it" ("the licence can wait, remove its deadline"), and a change with its reason
("glasses are urgent, i broke my old pair"; "grandma didn't answer, so the call isn't done").
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from bot.agents.rules.changes import read_change
from bot.agents.rules.intents import (
    Complete,
    Delete,
    Intent,
    Reopen,
    Several,
    TaskRef,
    Update,
    joined,
)
from bot.agents.rules.lexicon import COMMAND_VERBS, QUOTED, is_past_tense, regex
from bot.agents.rules.refs import parse_ref
from bot.dates.lazy import LazyPattern
from bot.tools.matching import query_words

_I = re.IGNORECASE
_CHANGES = (Complete, Reopen, Delete, Update)
_SEPARATORS = LazyPattern(
    r"[;,]|\band\b|\bthen\b|\balso\b|\.\s|\s[-–—]\s|\s(?:so|because|since)\s", _I
)


def read_clauses(text: str, *, now: datetime) -> Intent | None:
    """The change(s) a message of several clauses asks for, or None."""
    if len(split_outside_quotes(_SEPARATORS, text)) < 2:
        return None
    return (
        _read_several(text, now=now)
        or _read_clause_then_change(text, now=now)
        or _read_change_with_reason(text, now=now)
    )


def split_outside_quotes(pattern: re.Pattern[str] | LazyPattern, text: str) -> list[str]:
    """``text`` split where ``pattern`` matches, except inside a quoted title: "rename 2 to
    'dentist - cleaning'" is one clause."""
    quoted = [q.span() for q in regex(QUOTED).finditer(text)]
    pieces, start = [], 0
    for cut in pattern.finditer(text):
        if cut.end() > cut.start() and not any(a <= cut.start() < b for a, b in quoted):
            pieces.append(text[start : cut.start()])
            start = cut.end()
    return [*pieces, text[start:]]


_CLAUSE_BREAK = r"\s*(?:[;,]|\bthen\b|\balso\b)\s*(?:and\s+)?(?:then\s+|also\s+)?"
# "3 is done and 5 can be low", "the car got washed and the parcel went out": "and" joins
# two changes when each side reads as a whole change on its own.
_AND_BREAK = r"\s*(?:[;,]\s*)?\band\s+(?:then\s+|also\s+)?|" + _CLAUSE_BREAK


def _read_several(text: str, *, now: datetime) -> Intent | None:
    """ "done 1, delete 2", "push the report to monday, make it urgent": every clause a change."""
    several = _several(text, _CLAUSE_BREAK, now=now)
    if not regex(r"\band\b").search(text):
        return several
    if several is not None and not _words_join_changes(several):
        return several
    several = _several(text, _AND_BREAK, now=now)
    whole = several and read_change(text, now=now)  # "got 1 and 4 out of the way": one change
    if isinstance(whole, _CHANGES) and whole.confident and whole.ref.numbers:
        return None
    return several


def _words_join_changes(intent: Intent) -> bool:
    """Whether a change's task words hold "and" plus a pronoun ("lower it and shift it …"):
    then the "and" joined two changes, not two words of a title."""
    parts = intent.changes if isinstance(intent, Several) else (intent,)
    return any(
        isinstance(p, _CHANGES) and regex(r"\b(?:it|them)\s+and\b").search(p.ref.words)
        for p in parts
    )


def _several(text: str, breaks: str, *, now: datetime) -> Intent | None:
    clauses = [c for c in split_outside_quotes(regex(breaks), text) if c.strip()]
    if not 2 <= len(clauses) <= 6:
        return None
    if any(_REASON.match(c) or _CONSEQUENCE.match(c) for c in clauses):
        return None  # "…, so the call isn't done": one change and its reason
    changes: list[Complete | Reopen | Delete | Update] = []
    read: list[Intent | None] = []
    for clause in clauses:  # stops at the first clause that is no change
        read.append(read_change(clause, now=now))
        if not isinstance(read[-1], _CHANGES):
            return None
    # A statement ("rent's paid", "the parcel went out") alone is a loose reading; a list of
    # them names each task it is about.
    statements = [
        bool(_STATEMENT.search(c)) or (isinstance(r, Complete) and not r.confident)
        for c, r in zip(clauses, read, strict=True)
    ]
    deeds = all(isinstance(r, Complete) for r in read)
    for change, statement in zip(read, statements, strict=True):
        if not isinstance(change, _CHANGES) or not (change.confident or (statement and deeds)):
            return None
        if statement and not change.ref.numbers and not (deeds and all(statements)):
            return None  # "…, the appointment got cancelled" is a reason, not a second request
        changes.append(change)
    # Several changes named by words are the riskiest reading: a model, when there is one,
    # should get them (the hybrid backend asks ``confident``).
    return joined(changes)


_NAMING_CLAUSE_END = LazyPattern(
    r"\s+(?:is|isn't|isnt|is\s+not|are|aren't|was|wasn't|has|have|had|got|can|can't|could|should|"
    r"won't|will|needs|doesn't|does\s+not|didn'?t|failed|bounced|fell\s+through)\b|['’]s\b",
    _I,
)


_NEED_TO = (
    r"^(?:just\s+|please\s+|pls\s+|can\s+you\s+|you\s+can\s+|"
    rf"so\s+(?=(?:just\s+)?(?:{'|'.join(COMMAND_VERBS)})\b))*(?:(?:i|we)\s+)?"
    r"(?:still\s+)?(?:(?:(?:need|have|got)\s+to|gotta|must|should)\s+)?"
)


def _read_clause_then_change(text: str, *, now: datetime) -> Intent | None:
    """ "the licence can wait, remove its deadline": the change names the task by "it"."""
    *heads, tail = split_outside_quotes(regex(r"\s*(?:[,;]|\.(?=\s)|\s[-–—]+(?=\s))\s*"), text)
    head = " ".join(heads)
    if not head.strip():
        return None
    # "…, need to redo it", "…, so remove it": what to do to the task is the change ("so
    # that one's done" is a consequence: the reason reader keeps the clause before it whole).
    change = read_change(regex(_NEED_TO).sub("", tail.strip()), now=now)
    if not isinstance(change, _CHANGES) or not change.ref.pronoun:
        return None
    if read_change(head.strip(), now=now) is not None:
        return None  # the first clause is a request of its own
    numbers = regex(r"(?:^|(?<=\s))#?(\d{1,4})(?=\s|$)").findall(head)
    if len(numbers) == 1 and int(numbers[0]):  # "i misspelled 3, fix it to …"
        return dataclasses.replace(change, ref=TaskRef(numbers=(int(numbers[0]),)))
    ref = parse_ref(_NAMING_CLAUSE_END.split(head, maxsplit=1)[0])
    if ref is None or ref.pronoun:
        return None
    return dataclasses.replace(change, ref=ref)


_STATEMENT = LazyPattern(
    r"\b(?:is|are|was|were|got|has|have|had|isn'?t|aren'?t|wasn'?t|hasn'?t|didn'?t)\b|"
    r"['’](?:s|re)\b",
    _I,
)
_REASON_BREAK = LazyPattern(
    r"\s*(?:[;,]|\.(?=\s)|\s[-–—](?=\s))\s*|\s+(?=(?:so|because|cause|since)\s)", _I
)
_JOINER = LazyPattern(r"^(?:and|but|also|then|plus|oh\s+and)\s+(?!so\b)", _I)
_CONSEQUENCE = LazyPattern(r"^(?:and\s+)?(?:so|therefore|hence|which\s+means)\s+", _I)
_NUMBERS_ONLY = LazyPattern(
    r"^(?:and\s+|&\s*)?(?:#\s?)?\d+(?:\s*(?:and|&|,)\s*(?:#\s?)?\d+)*\s*$", _I
)
_HAPPENED = r"is|are|was|were|got|has|have|had|been|gone"
_REASON = LazyPattern(r"^(?:because|cause|since|as)\s+", _I)


def _read_change_with_reason(text: str, *, now: datetime) -> Intent | None:
    """One clause asks for a change, the others say why. "so …" marks the change."""
    clauses = [
        _JOINER.sub("", c.strip())
        for c in split_outside_quotes(_REASON_BREAK, text)
        if c and c.strip()
    ]
    if not 2 <= len(clauses) <= 5 or any(_NUMBERS_ONLY.match(c) for c in clauses):
        return None  # "complete 2, 4" is one list of numbers
    found: list[tuple[int, Complete | Reopen | Delete | Update, bool]] = []
    for index, clause in enumerate(clauses):
        if _REASON.match(clause):
            continue
        consequence = bool(_CONSEQUENCE.match(clause))
        change = read_change(_CONSEQUENCE.sub("", clause), now=now)
        if isinstance(change, _CHANGES) and change.confident:
            found.append((index, change, consequence))
    if not found:
        return None
    commands = [f for f in found if not _STATEMENT.search(clauses[f[0]])]
    if len(found) > 1 and commands and not any(f[2] for f in found):
        # "the dentist thing is sorted, and push the car one to next week": two requests.
        # "check off the slides, they're ready": once.
        return joined([change for _, change, _ in found], confident=False)
    # Otherwise the clause after "so", or the first statement; the rest are reasons.
    index, change, _ = next((f for f in found if f[2]), found[0])
    if change.ref.pronoun:
        # "…, selling the bike instead. delete that task": the other clauses name it.
        others = " ".join(c for i, c in enumerate(clauses) if i != index)
        # "the bill payment got declined": what happened is no word of the task's title
        named = " ".join(
            w for w in others.split() if not (regex(_HAPPENED).fullmatch(w) or is_past_tense(w))
        )
        named = named if query_words(named) else others
        if not query_words(named):
            return None
        return dataclasses.replace(change, ref=TaskRef(words=named), confident=False)
    if change.ref.words:
        others = " ".join(c for i, c in enumerate(clauses) if i != index)
        return dataclasses.replace(change, ref=dataclasses.replace(change.ref, context=others))
    return change
