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
from bot.agents.rules.lexicon import CARDINAL_WORDS, ORDINAL_WORDS, regex
from bot.dates.lazy import LazyPattern
from bot.outcomes import TaskPage, task_of
from bot.tools.matching import Scored, query_words, score

_NUMBER = r"#?\s?\d{1,6}"
_TASK_WORD = r"(?:tasks?|todos?|items?|numbers?|nos?\.?|nr\.?|#)"
_NUMBERS = (
    rf"(?:(?:both|all\s+of|all|numbers?)\s+)?(?:(?:the\s+)?{_TASK_WORD}\s*){{0,2}}{_NUMBER}"
    rf"(?:\s*(?:,|&|\+|/|\band\b|\bplus\b|,\s*and\b)(?:\s*also\b)?\s*(?:{_TASK_WORD}\s*)?{_NUMBER})*"
)
_NUMBER_LIST = LazyPattern(rf"^{_NUMBERS}$", re.IGNORECASE)
_RANGE = LazyPattern(
    rf"^(?:{_TASK_WORD}\s*)?#?(\d{{1,4}})\s*(?:-|–|to|through|thru)\s*#?(\d{{1,4}})$", re.IGNORECASE
)
_PRONOUN = LazyPattern(
    r"^(?:it|that|this|that\s+one|this\s+one|the\s+one\s+i\s+just\s+added|that\s+task|this\s+task|them|those|these|they|they're|they\s+are|"
    r"it's|it\s+is|that's|that\s+is)$",
    re.IGNORECASE,
)
_EDGE_JUNK = LazyPattern(r"^[\s\"'“”‘’`:,.;!?()\[\]-]+|[\s\"'“”‘’`:,.;!?()\[\]-]+$")
# A reference ends where the reason for the change starts ("…, turns out i have one").
_CLAUSE_END = LazyPattern(
    r"\s*(?:[,;(]|\s[-–—]\s|\.\s|\s(?:because|since|cause|cuz|as\s+(?:i|we|it)|turns\s+out|"
    r"we're|we\s+are|i'm|i\s+am|it's|it\s+is|it\s+was|they|anymore|any\s+more|after\s+all|"
    r"already|now\s+that|so\s+(?:i|we|you)|but|though|thanks|thx|pls|please|this\s+morning|"
    r"this\s+afternoon|this\s+evening|today|yesterday|last\s+night|earlier|just\s+now|at\s+last|"
    r"both)\b)",
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
    counted = _counted(cleaned)
    if counted is not None:
        return counted
    if _PRONOUN.match(cleaned):
        return TaskRef(pronoun=True)
    clause = _CLAUSE_END.search(cleaned)
    if clause and clause.start() > 0:
        cleaned = cleaned[: clause.start()]
        if _NUMBER_LIST.match(cleaned.strip()):
            return parse_ref(cleaned)  # "#2 and #5 this morning"
    # "the dentist one should (be at 3)": a modal at the end is the change's, not the task's.
    cleaned = regex(r"\s+(?:should|must|will|can|could|would|needs\s+to)(?:\s+be)?$").sub(
        "", cleaned
    )
    if not query_words(cleaned):
        return None
    return TaskRef(words=_EDGE_JUNK.sub("", cleaned))


def _counted(text: str) -> TaskRef | None:
    """Tasks named by their place or number in words: "the second and fourth ones", "number
    five", "the first and the third", "#2 and #4 before lunch", "the last one". Only when the
    whole phrase is such a list ("first aid kit" stays words)."""
    if regex(
        r"^(?:the\s+)?(?:very\s+)?last(?:\s+(?:one|task|item|todo))?(?:\s+(?:on|in)\s+"
        r"(?:my|the)\s+list)?$"
    ).match(text):
        return TaskRef(last=True)
    # "the one due today", "the 6pm one": a task by when it is due
    due = _BY_DUE.match(text)
    if due:
        return TaskRef(due=due[1] or due[2])
    spelled = regex(_SPELLED).sub(_to_number, text)
    if spelled == text and not regex(r"^#?\s?\d").match(text):
        return None
    listed = regex(rf"^{_NUMBERS}(?=\s+(?P<tail>.+)$|$)").match(spelled)
    if listed is None or (listed["tail"] and not regex(_WHEN_TAIL).match(listed["tail"])):
        return None
    numbers = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", listed[0])))
    return TaskRef(numbers=numbers) if all(n > 0 for n in numbers) else None


_BY_DUE = LazyPattern(
    r"^(?:the\s+)?(?:one|task|thing|item)\s+(?:that'?s\s+|which\s+is\s+)?due\s+(.+)$|^the\s+"
    r"(\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?|\d{1,2}:\d\d)(?:\s+(?:one|task|thing|meeting|appointment))?$",
    re.IGNORECASE,
)
# "the second one", "number five", "4th": a place in the list, written as "#n".
_SPELLED = (
    rf"(?:\bthe\s+)?\b(?P<ord>{'|'.join(ORDINAL_WORDS)}|\d{{1,3}}(?:st|nd|rd|th))\b"
    r"(?:\s+(?:ones?|tasks?|items?|todos?)\b)?"
    rf"|\b(?:number|no\.?|task|item)\s+(?P<word>{'|'.join(CARDINAL_WORDS)})\b"
)
# What may follow a list of numbers without being a title: when it happened.
_WHEN_TAIL = (
    r"(?:before|after|this|last|yesterday|today|tonight|earlier|already|over|during|"
    r"out\s+of\s+the\s+way|off)\b"
)


def _to_number(match: re.Match[str]) -> str:
    word = (match["ord"] or match["word"]).lower()
    if word[0].isdigit():
        return f"#{word[:-2]}"
    return f"#{ORDINAL_WORDS.get(word) or CARDINAL_WORDS[word]}"


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
            outcome = call.outcome
            if (task := task_of(outcome)) is not None:
                numbers.add(task.number)
            elif isinstance(outcome, TaskPage) and outcome.count == 1:
                numbers.add(outcome.tasks[0].number)
        if numbers:
            return numbers.pop() if len(numbers) == 1 else None
    return None
