"""References to tasks: "2", "#3", "1, 2 and 5", "the rent one", "the one about the printer".

``parse_ref`` reads the words of a message that name a task. ``pick`` chooses among the
person's tasks: it is stricter than a plain best match, because changing the wrong task is
worse than asking — a reference must share its telling words with exactly one task.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from bot.agent import AgentTurn
from bot.agents.rules.intents import TaskRef
from bot.agents.rules.lexicon import (
    ACTION_VERBS,
    ORDINAL_WORDS,
    REFERENCE_FILLER,
    SYNONYMS,
    past_to_present,
)
from bot.tools.matching import normalize_words

_NUMBER = r"#?\s?\d{1,6}"
_TASK_WORD = r"(?:tasks?|todos?|items?|numbers?|nos?\.?|nr\.?|#)"
_NUMBER_LIST = re.compile(
    rf"^(?:(?:both|all\s+of|all|numbers?)\s+)?(?:(?:the\s+)?{_TASK_WORD}\s*){{0,2}}{_NUMBER}(?:\s*(?:,|&|\+|/|\band\b|\bplus\b|,\s*and\b)"
    rf"\s*(?:{_TASK_WORD}\s*)?{_NUMBER})*$",
    re.IGNORECASE,
)
_RANGE = re.compile(
    rf"^(?:{_TASK_WORD}\s*)?#?(\d{{1,4}})\s*(?:-|–|to|through|thru)\s*#?(\d{{1,4}})$", re.IGNORECASE
)
_ORDINAL_TASK = re.compile(
    r"^(?:the\s+)?(?P<ord>" + "|".join(ORDINAL_WORDS) + r"|\d{1,3}(?:st|nd|rd|th))\s+"
    r"(?:task|one|item|todo)$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"^(?:it|that|this|that\s+one|this\s+one|the\s+last\s+one|the\s+one\s+i\s+just\s+added|"
    r"the\s+last\s+task|that\s+task|this\s+task|them|those|these|they|they're|they\s+are|"
    r"it's|it\s+is|that's|that\s+is)$",
    re.IGNORECASE,
)
_EDGE_JUNK = re.compile(r"^[\s\"'“”‘’`:,.;!?()\[\]-]+|[\s\"'“”‘’`:,.;!?()\[\]-]+$")
# A reference ends where the reason for the change starts ("…, turns out i have one").
_CLAUSE_END = re.compile(
    r"\s*(?:[,;(]|\s[-–—]\s|\.\s|\s(?:because|since|cause|cuz|as\s+(?:i|we|it)|turns\s+out|"
    r"we're|we\s+are|i'm|i\s+am|it's|it\s+is|it\s+was|they|anymore|any\s+more|after\s+all|"
    r"already|now\s+that|so\s+(?:i|we|you)|but|though|thanks|thx|pls|please|this\s+morning|"
    r"this\s+afternoon|this\s+evening|today|yesterday|last\s+night|earlier|just\s+now|at\s+last)\b)",
    re.IGNORECASE,
)


def parse_ref(text: str) -> TaskRef | None:
    """The task(s) ``text`` names, or None when it names nothing usable."""
    if re.match(r"^\s*[-−]\s*\d", text):
        return None  # "-1" is no task number
    cleaned = _EDGE_JUNK.sub("", _strip_emoji(text)).strip()
    if not cleaned:
        return None
    if _NUMBER_LIST.match(cleaned):
        numbers = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", cleaned)))
        return TaskRef(numbers=numbers) if all(n > 0 for n in numbers) else None
    span = _RANGE.match(cleaned)
    if span and 0 < int(span[1]) < int(span[2]) <= int(span[1]) + 20:
        return TaskRef(numbers=tuple(range(int(span[1]), int(span[2]) + 1)))
    ordinal = _ORDINAL_TASK.match(cleaned)
    if ordinal:
        word = ordinal["ord"].lower()
        return TaskRef(numbers=(int(word[:-2]) if word[0].isdigit() else ORDINAL_WORDS[word],))
    if _PRONOUN.match(cleaned):
        return TaskRef(pronoun=True)
    clause = _CLAUSE_END.search(cleaned)
    if clause and clause.start() > 0:
        cleaned = cleaned[: clause.start()]
        if _NUMBER_LIST.match(cleaned.strip()):
            return parse_ref(cleaned)  # "#2 and #5 this morning"
    if not query_words(cleaned):
        return None
    return TaskRef(words=_EDGE_JUNK.sub("", cleaned))


def _strip_emoji(text: str) -> str:
    return "".join(ch for ch in text if ord(ch) < 0x2190 or 0x3000 <= ord(ch) < 0x1F000)


def query_words(text: str) -> list[str]:
    """Telling words of a reference, past tenses turned to base forms ("paid" → "pay")."""
    words = []
    for word in normalize_words(re.sub(r"['’]s\b", "", text)):
        if word in REFERENCE_FILLER or (len(word) < 2 and not word.isdigit()):
            continue
        words.append(past_to_present(word) or word)
    return words


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s", "'s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


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
    title_words = [w for w in normalize_words(title) if w not in REFERENCE_FILLER]
    if not title_words:
        title_words = normalize_words(title)
    detail_words = normalize_words(description)
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


def narrow(
    candidates: Sequence[Scored], context: str, tasks: Sequence[Mapping[str, Any]]
) -> int | None:
    """The one candidate the rest of the message also names ("grandma didn't answer, so the
    call isn't done" → "call Grandma"), if exactly one."""
    words = query_words(context)
    if not candidates or not words:
        return None
    details = {t["number"]: t.get("description") or "" for t in tasks}
    named = [
        c.number
        for c in candidates
        if (
            s := score(
                words,
                number=c.number,
                title=c.title,
                description=details[c.number],
                completed=c.completed,
            )
        )
        is not None
        and not s.weak
    ]
    return named[0] if len(named) == 1 else None


def last_task_number(turn: AgentTurn) -> int | None:
    """The one task the speaker's previous turn was about ("mark it done"), if there was one."""
    for message in reversed(turn.history):
        if message.role != "assistant" or message.user_id != turn.user.id:
            continue
        numbers = set()
        for call in message.tool_calls:
            result = call.result
            if isinstance(result.get("task"), Mapping):
                numbers.add(result["task"]["number"])
            elif call.name == "list_tasks" and result.get("count") == 1:
                numbers.add(result["tasks"][0]["number"])
        if numbers:
            return numbers.pop() if len(numbers) == 1 else None
    return None
