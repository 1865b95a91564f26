"""References to tasks: "2", "#3", "1, 2 and 5", "the rent one", "the one about the printer".

``parse_ref`` reads the words of a message that name a task. ``pick`` chooses among the
person's tasks: it is stricter than a plain best match, because changing the wrong task is
worse than asking — a reference must share its telling words with exactly one task.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.agent import AgentTurn
from bot.agents.rules.intents import TaskRef
from bot.agents.rules.lexicon import ORDINAL_WORDS
from bot.tools.matching import Scored, query_words, score

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
