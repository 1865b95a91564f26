"""Finding a task from words of its title ("the passport thing", "i bought the milk").

The one matcher: the task tools (``query`` arguments, from the model agent, MCP and the
platforms) and the rules agent score and choose with these same functions, so the same words
pick the same task everywhere. A reference names a task only through a telling word of its
title; words that fit several tasks alike are ambiguous, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from bot.errors import AmbiguousTask, TaskNotFound
from bot.tasks import Task
from bot.tools.words import ACTION_VERBS, REFERENCE_FILLER, SYNONYMS, past_to_present

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "these",
        "those",
        "to",
        "for",
        "of",
        "on",
        "in",
        "at",
        "by",
        "with",
        "and",
        "or",
        "one",
        "thing",
        "stuff",
        "task",
        "todo",
        "item",
        "about",
        "re",
        "i",
        "me",
        "we",
        "it",
        "is",
        "was",
        "be",
        "been",
        "just",
        "please",
        "pls",
        "from",
        "up",
        "out",
        "off",
        "all",
        "any",
        "some",
    ]
)
_WORD = re.compile(r"[\w']+")


def normalize_words(text: str) -> list[str]:
    """Lower-case content words of ``text``, accents and stop words removed."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"['’]s\b", "", folded)  # "Ana's email" names Ana as "Ana" does
    return [w.strip("'") for w in _WORD.findall(folded) if w.strip("'") not in _STOPWORDS]


def query_words(text: str) -> list[str]:
    """Telling words of a reference, past tenses turned to base forms ("paid" → "pay")."""
    words = []
    for word in normalize_words(text):
        if word in REFERENCE_FILLER or (len(word) < 2 and not word.isdigit()):
            continue
        words.append(past_to_present(word) or word)
    return words


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s", "'s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Cached: a reference is compared with every open task's words, and the same pairs come back
# turn after turn (a person's titles change little); the typo test (SequenceMatcher) is the
# costly part of matching a reference against a long list.
@lru_cache(maxsize=65_536)
def same_word(a: str, b: str) -> bool:
    """Whether two words are the same for a reference: plural, tense, a typo apart."""
    if a == b or SYNONYMS.get(a, a) == SYNONYMS.get(b, b):
        return True
    sa, sb = _stem(a), _stem(b)
    if sa == sb or past_to_present(b) == a or past_to_present(a) == b:
        return True
    if min(len(sa), len(sb)) >= 4 and (sa.startswith(sb) or sb.startswith(sa)):
        return True
    return min(len(a), len(b)) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.8


@lru_cache(maxsize=16_384)
def _folded_words(text: str) -> tuple[str, ...]:
    return tuple(normalize_words(text))


@lru_cache(maxsize=16_384)
def _title_words(title: str) -> tuple[str, ...]:
    telling = tuple(w for w in _folded_words(title) if w not in REFERENCE_FILLER)
    return telling or _folded_words(title)


def _weights(words: Sequence[str]) -> list[float]:
    # A leading verb ("call", "pay") tells little about which task is meant.
    return [
        0.4 if i == 0 and w in ACTION_VERBS and len(words) > 1 else 1.0 for i, w in enumerate(words)
    ]


@dataclass(frozen=True, slots=True)
class Scored:
    number: int
    title: str
    completed: bool
    query_share: float
    title_share: float
    weak: bool = False  # only a leading verb or the details matched: never picked alone


def score(
    words: Sequence[str], *, number: int, title: str, description: str, completed: bool
) -> Scored | None:
    """How well ``words`` fit one task, or None when they do not touch it at all.

    A task is named only when some word matches a telling word of its title — not just the
    leading verb ("call the plumber" does not name "call mom"); other matches are ``weak``.
    """
    title_words = _title_words(title)
    detail_words = _folded_words(description)
    query_weights = _weights(words)
    title_weights = _weights(title_words)
    matched = 0.0
    telling = False
    hit_title: set[int] = set()
    for word, weight in zip(words, query_weights, strict=True):
        in_title = [i for i, t in enumerate(title_words) if same_word(word, t)]
        if in_title:
            matched += weight
            hit_title.update(in_title)
            telling = telling or any(title_weights[i] == 1.0 for i in in_title)
        elif any(same_word(word, d) for d in detail_words):
            matched += weight / 2
    total = sum(query_weights)
    if matched == 0 or total == 0:
        return None
    return Scored(
        number=number,
        title=title,
        completed=completed,
        query_share=matched / total,
        title_share=sum(title_weights[i] for i in hit_title) / sum(title_weights),
        weak=not telling,
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """The outcome of picking a task: one ``number``, several ``candidates``, or neither."""

    number: int | None
    candidates: tuple[Scored, ...] = ()


def pick(found: Sequence[Scored], *, prefer: str, loose: bool = False) -> Choice:
    """The one task a reference means. ``prefer`` ("open", "completed", "any") breaks ties.

    Weak matches are never chosen; when nothing else fits they are offered as candidates.
    ``loose``: the reference comes from a statement rather than a command ("i finished work
    early"), so most of the task's title must be in it too.
    """
    good = [s for s in found if s.query_share >= 0.5]
    if loose:
        good = [s for s in good if s.query_share >= 0.75 or s.title_share >= 0.6]
    ranked = sorted(
        (s for s in good if not s.weak),
        key=lambda s: (-s.query_share, -s.title_share, s.number),
    )
    if not ranked:
        weak = sorted((s for s in good if s.weak), key=lambda s: (-s.query_share, s.number))
        return Choice(None, candidates=tuple(weak[:6]))
    top = ranked[0]
    close = [s for s in ranked if s.query_share >= top.query_share - 0.15]
    if len(close) > 1 and prefer in ("open", "completed"):
        wanted = [s for s in close if s.completed == (prefer == "completed")]
        close = wanted or close
    if len(close) == 1:
        return Choice(close[0].number)
    best = close[0]
    # An exact title beats titles that merely contain the words ("call mom" vs "call mom
    # about the trip").
    if best.title_share >= 0.999 and all(
        r.title_share < 0.999 and r.query_share <= best.query_share for r in close[1:]
    ):
        return Choice(best.number)
    return Choice(None, candidates=tuple(close))


def resolve_by_words(tasks: Iterable[Task], query: str, *, prefer: str = "any") -> Task:
    """The one task ``query`` points at, or ``TaskNotFound`` / ``AmbiguousTask``: the same
    scoring and the same strict choice the rules agent uses."""
    by_number = {task.number: task for task in tasks}
    words = query_words(query)
    scored = [
        found
        for task in by_number.values()
        if (
            found := score(
                words,
                number=task.number,
                title=task.title,
                description=task.description,
                completed=task.completed,
            )
        )
        is not None
    ]
    choice = pick(scored, prefer=prefer)
    if choice.number is not None:
        return by_number[choice.number]
    if not choice.candidates:
        raise TaskNotFound(f"I couldn't find a task matching “{query}”.")
    top = [by_number[c.number] for c in choice.candidates]
    names = ", ".join(f"#{t.number} {t.title}" for t in top[:5])
    raise AmbiguousTask(f"“{query}” fits more than one task: {names}. Which one?", top)
