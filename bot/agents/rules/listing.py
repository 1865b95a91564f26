"""Requests to see tasks ("what's on my plate", "anything urgent?", "show done"), their
filters, and "more" / "page 3": the speaker's last list carried on at another page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bot.agent import AgentTurn
from bot.agents.rules.grammar import count
from bot.agents.rules.intents import ListTasks
from bot.agents.rules.lexicon import regex
from bot.agents.rules.phrasebook import phrases, vocabulary, words
from bot.agents.rules.when import find_due
from bot.dates.lazy import LazyPattern
from bot.outcomes import TaskPage
from bot.tasks import Priority

_I = re.IGNORECASE
_WORDS = vocabulary()["listing"]
_LIST_START = LazyPattern(
    r"^(?:(?:my\s+|all\s+|the\s+|open\s+|pending\s+|remaining\s+|upcoming\s+|overdue\s+|"
    r"today'?s\s+|tomorrow'?s\s+|high[\s-]priority\s+|low[\s-]priority\s+|urgent\s+|"
    r"completed\s+|finished\s+|done\s+)*(?:tasks|todos|to-?dos)\b(?!\s+(?:for|to)\s+me\b)|"
    r"list|ls|show|display|view|print|status|agenda|inbox|"
    r"let\s+me\s+see|lemme\s+see|can\s+i\s+see|show\s+me|what'?s\s+on\s+my)\b",
    _I,
)
# Verbs that also start ordinary tasks ("get milk", "check the tyres"): a list only with
# list words after them ("get my tasks").
_WEAK_START = LazyPattern(rf"^(?:{phrases(_WORDS['weak_start'])})\b", _I)
_QUESTION_START = LazyPattern(
    r"^(?:what(?:'s|s|\s+is|\s+are|\s+do\s+i|\s+have\s+i|\s+did\s+i|\s+else|\s+tasks|\s+todos|"
    r"\s+needs|\s+should\s+i|\s+must\s+i|\s+remains|\s+was)?|whats|wat|anything|any|"
    r"is\s+there|are\s+there|do\s+i\s+have|have\s+i\s+got|got\s+anything|how\s+many|nothing|"
    r"which|where\s+am\s+i|how\s+(?:am\s+i|'?s\s+my|does\s+my))\b",
    _I,
)
# "what did i already do", "what i've knocked out": the speaker's own finished deeds.
_DID = (
    r"(?:did\s+i|have\s+i|i'?ve|i\s+have|i)\s+(?:already\s+|just\s+)?(?:do|done|did|finish(?:ed)?|"
    r"complete[d]?|g[eo]t\s+done|knock(?:ed)?\s+(?:out|off)|tick(?:ed)?\s+off|check(?:ed)?\s+off|"
    r"cross(?:ed)?\s+off|wrap(?:ped)?\s+up|sort(?:ed)?|handle[d]?|deal(?:t)?\s+with|"
    r"take[n]?\s+care\s+of)"
)
_LIST_WORDS = words(f"{_WORDS['list_words']}, {_DID}")
_BARE = LazyPattern(
    r"^(?:(?:recently|lately)\s+(?:done|finished|completed|ticked\s+off)|"
    r"(?:my\s+|all\s+(?:my\s+)?|open\s+|the\s+)?(?:(?:high|low|medium|urgent|important|"
    r"overdue|open|completed|done|finished|pending|upcoming|today'?s|tomorrow'?s|undated)\s+)?"
    r"(?:priority\s+|prio\s+)?(?:tasks?|todos?|to-?dos?|list|todo\s+list|items|ones|stuff|"
    r"to-?do\s+list|task\s+list|items|agenda)|overdue|due\s+today|today|tomorrow|this\s+week|"
    r"urgent|what'?s\s+next|next|upcoming|completed|everything|all|open|pending)$",
    _I,
)
_COMPLETED = words(f"{_WORDS['completed']}, {_DID}")
_OPEN_WORDS = words(_WORDS["open"])
_ALL = words(_WORDS["all"])
_BEFORE = LazyPattern(r"\b(?:before|by|until|till|no\s+later\s+than|up\s+to)\s+\S", _I)
_AFTER = LazyPattern(r"\b(?:after|starting|later\s+than|beyond)\s+\S", _I)
_OVERDUE = words(_WORDS["overdue"])
_SOON = words(_WORDS["soon"])
_NEXT_DAYS = LazyPattern(
    r"\b(?:in\s+the\s+|within\s+the\s+|over\s+the\s+)?(?:next|coming)\s+(?P<n>\d{1,2}|two|three|"
    r"four|five|six|seven|ten|couple(?:\s+of)?|few)\s+days\b",
    _I,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_IN_MONTH = LazyPattern(
    r"\b(?:in|during|for|of|this|by)\s+(?P<mon>jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|"
    r"june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
    r"(?!\s*\d)",
    _I,
)
_WEEKEND = LazyPattern(r"\b(?:this\s+|the\s+|(?P<next>next)\s+)?weekend\b", _I)
_THIS_WEEK = words(_WORDS["this_week"])
_NEXT_WEEK = words("next week")
_THIS_MONTH = words("this month")
_UNDATED = words(_WORDS["undated"])
# A priority filter, the first that fits (``words.toml`` order: "not urgent" is low first).
_PRIORITIES = tuple((Priority(level), words(table)) for level, table in _WORDS["priority"].items())
_OTHERS = LazyPattern(
    r"\b(?:for|of|belonging\s+to|owned\s+by)\s+(?:user|member|@|<@)\s*\S+|<@\w+>|"
    r"\b(?:everyone|everybody|all\s+users|other\s+users|someone\s+else|other\s+people|"
    r"the\s+team|my\s+team|user\s+[A-Z0-9]{3,})\b|"
    r"\b(?!(?:today|tomorrow|tonight|week|month|year)'s)\w+'s\s+(?:tasks|list|todos|"
    r"to-?dos|items|stuff)\b",
    _I,
)


_SHOW_ONE = LazyPattern(
    r"^(?:show|view|display|open|see|what'?s|what\s+is|whats|details?|info|more\s+on|tell\s+me\s+about)"
    r"\s+(?:me\s+)?(?:(?:the\s+)?(?:details|info|notes?)\s+(?:of|for|on|about)\s+)?(?:on\s+|for\s+|"
    r"of\s+|about\s+)?(?:task\s+|number\s+|no\.?\s*|#\s?)?(?P<numbers>\d{1,6}(?:\s*(?:,|and|&)\s*"
    r"#?\d{1,6})*)$",
    _I,
)


_NEXT_PAGE = LazyPattern(
    r"^(?:(?:show|list|see|give)\s+(?:me\s+)?)?(?:(?:some|the)\s+)?(?:more|next\s+page|"
    r"next\s+(?:ones|few|tasks)|rest)(?:\s+(?:please|pls|tasks|of\s+them))?$|"
    r"^(?:(?:show|list|see|go\s+to|open)\s+(?:me\s+)?)?(?:the\s+)?page\s+(?P<page>\d{1,5})$",
    _I,
)


def list_request(text: str) -> str | None:
    """Whether ``text`` asks to see tasks: "sure" (a list whatever else it says), "maybe" (a
    list unless it reads as a change: "get rid of the gym task"), or None."""
    if _NEXT_PAGE.match(text):
        return "sure"
    if _BARE.match(text) or _LIST_START.match(text) or _SHOW_ONE.match(text):
        return "sure"
    if _QUESTION_START.match(text) and _LIST_WORDS.search(text):
        return "sure"
    if _WEAK_START.match(text) and _LIST_WORDS.search(text):
        return "maybe"
    return None


def read_list(text: str, *, now: datetime) -> ListTasks:
    """The filters of a list request."""
    today = now.date()
    more = _NEXT_PAGE.match(text)
    if more:
        return ListTasks(continues=True, page=int(more["page"]) if more["page"] else None)
    one = _SHOW_ONE.match(text)
    if one:
        numbers = tuple(int(n) for n in re.findall(r"\d+", one["numbers"]))
        return ListTasks(status="all", numbers=numbers, label="")
    status = "open"
    if _COMPLETED.search(text) and not _OPEN_WORDS.search(text):
        status = "completed"
    if _ALL.search(text) and not (status == "completed" and regex(_DID).search(text)):
        status = "all"  # "everything i've completed" is the done ones
    priority = next((level for level, pattern in _PRIORITIES if pattern.search(text)), None)
    after, before, label = _due_range(text, now=now, today=today)
    if status == "completed":
        # "what did i finish this week" is about when it was done, which due dates don't say.
        after, before, label = None, None, ""
    overdue = bool(_OVERDUE.search(text))
    undated = bool(_UNDATED.search(text))
    if overdue:
        label = "overdue"
    elif undated:
        label = "without a due date"
    return ListTasks(
        status=status,  # type: ignore[arg-type]
        priority=priority,
        due_after=after,
        due_before=before,
        overdue=overdue,
        undated=undated,
        label=label,
        others_requested=bool(_OTHERS.search(text)),
    )


def _due_range(text: str, *, now: datetime, today: date) -> tuple[date | None, date | None, str]:
    if _THIS_WEEK.search(text):
        return today, today + timedelta(days=6 - today.weekday()), "due this week"
    if _NEXT_WEEK.search(text):
        monday = today + timedelta(days=7 - today.weekday())
        return monday, monday + timedelta(days=6), "due next week"
    if _THIS_MONTH.search(text):
        start = today.replace(day=28) + timedelta(days=4)
        return today, start - timedelta(days=start.day), "due this month"
    month = _IN_MONTH.search(text)
    if month:
        number = _MONTHS.index(month["mon"].lower()[:3]) + 1
        year = today.year + (1 if number < today.month else 0)
        first = date(year, number, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return first, last, f"due in {first.strftime('%B')}"
    weekend = _WEEKEND.search(text)
    if weekend:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if weekend["next"] and today.weekday() < 5:
            saturday += timedelta(days=7)
        if _BEFORE.search(text):
            return None, saturday - timedelta(days=1), "due before " + weekend[0].lower()
        return saturday, saturday + timedelta(days=1), "due " + weekend[0].lower()
    next_days = _NEXT_DAYS.search(text)
    if next_days:
        days = count(next_days["n"])
        return today, today + timedelta(days=days), f"due in the next {days} days"
    if _SOON.search(text):
        return today, today + timedelta(days=7), "due in the next 7 days"
    found, _ = find_due(text, now=now)
    if found is None or (found.problem is not None and found.day >= today):
        return None, None, ""  # not a date ("feb 30"): no filter rather than a wrong one
    phrase = re.sub(r"^(?:(?:due|by|on|for|at|before|after|until)\s+)+", "", found.phrase, flags=_I)
    if _BEFORE.search(text):
        return None, found.day, f"due by {phrase}"
    if _AFTER.search(text):
        return found.day, None, f"due after {phrase}"
    if found.day == today:
        return today, today, "due today"
    if found.day == today + timedelta(days=1):
        return found.day, found.day, "due tomorrow"
    return found.day, found.day, f"due {phrase}"


# --- "more" / "page 3" ----------------------------------------------------------------


def last_list(turn: AgentTurn) -> tuple[dict[str, Any], TaskPage] | None:
    """The arguments and result of the speaker's most recent list, if the history holds one."""
    for message in reversed(turn.history):
        if message.role != "assistant" or message.user_id != turn.user.id:
            continue
        for call in reversed(message.tool_calls):
            outcome = call.outcome
            if (
                call.name == "list_tasks"
                and isinstance(outcome, TaskPage)
                and "numbers" not in call.arguments
            ):
                return dict(call.arguments), outcome
    return None


def continued_list(turn: AgentTurn, page: int | None) -> tuple[dict[str, Any], str]:
    """The ``list_tasks`` arguments for ``page`` of the last list (the next page when None;
    the open tasks when there was no list), and words that say what that list holds."""
    found = last_list(turn)
    if found is None:
        return {"status": "open", "page": page or 1}, ""
    arguments, result = found
    arguments["page"] = page or result.page + 1
    return arguments, _label(arguments)


def _label(arguments: Mapping[str, Any]) -> str:
    if arguments.get("overdue"):
        return "overdue"
    if arguments.get("has_due") is False:
        return "without a due date"
    after, before = arguments.get("due_after"), arguments.get("due_before")
    if after and before:
        return f"due {after}" if after == before else f"due {after} to {before}"
    if after:
        return f"due from {after}"
    if before:
        return f"due by {before}"
    return ""
