"""Finding a task from words of its title ("the passport thing", "i bought the milk")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from bot.errors import AmbiguousTask, TaskNotFound
from bot.tasks import Task

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
    return [w.strip("'") for w in _WORD.findall(folded) if w.strip("'") not in _STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    sa, sb = _stem(a), _stem(b)
    if sa == sb:
        return True
    if min(len(sa), len(sb)) >= 4 and (sa.startswith(sb) or sb.startswith(sa)):
        return True
    return min(len(a), len(b)) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.84


def word_score(query_words: Sequence[str], task: Task) -> float:
    """Share of the query's words found in the task's title (and, at half weight, details)."""
    if not query_words:
        return 0.0
    title_words = normalize_words(task.title)
    detail_words = normalize_words(task.description)
    score = 0.0
    for word in query_words:
        if any(_same_word(word, t) for t in title_words):
            score += 1.0
        elif any(_same_word(word, d) for d in detail_words):
            score += 0.5
    return score / len(query_words)


def resolve_by_words(tasks: Iterable[Task], query: str) -> Task:
    """The one task ``query`` points at, or ``TaskNotFound`` / ``AmbiguousTask``."""
    words = normalize_words(query)
    scored = sorted(
        ((word_score(words, task), task) for task in tasks),
        key=lambda pair: (-pair[0], pair[1].number),
    )
    scored = [(score, task) for score, task in scored if score > 0]
    if not scored:
        raise TaskNotFound(f"I couldn't find a task matching “{query}”.")
    best = scored[0][0]
    top = [task for score, task in scored if score >= best - 1e-9]
    if len(top) == 1:
        return top[0]
    names = ", ".join(f"#{t.number} {t.title}" for t in top[:5])
    raise AmbiguousTask(f"“{query}” fits more than one task: {names}. Which one?", top)
