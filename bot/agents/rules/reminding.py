"""Reminders, repeat rules and the daily list in the rules agent's language.

Reading (pure): :func:`read_timing` turns "remind me about #3 tomorrow morning", "snooze 2
until friday", "remind me again in an hour", "no reminder for 3", "what are my reminders?",
"stop repeating 4", "make 2 repeat monthly", "send me my list every morning at 8" and "stop
the morning list" into a :class:`Timing` intent; :func:`timing_of_new_task` finds a repeat
rule ("water the plants every sunday") or a reminder lead ("30 min before") in a new task's
words and cuts it from the title. Doing: :func:`perform_timing` runs the matching tool.

Each rule is a named pattern, tried in order; the first that reads the message wins. Only
numbered tasks or "it" are taken as references after "remind me about", so "remind me about
the dentist" stays a new task.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot import dates
from bot.agents.rules import replies as say
from bot.agents.rules.calls import Call, given
from bot.agents.rules.intents import TaskRef, Timing, TimingAction
from bot.agents.rules.refs import parse_ref
from bot.dates.lazy import LazyPattern
from bot.errors import InvalidDate

_I = re.IGNORECASE
_NUMBERED = r"(?:#\s?\d+|(?:task|number|item)\s+#?\d+|\d+|it|that|this(?:\s+one)?)"
_LIST_WORDS = r"(?:list|tasks|todos|to-?dos|digest|summary|briefing|agenda)"

_RULES: tuple[tuple[TimingAction, LazyPattern], ...] = tuple(
    (cast(TimingAction, action), LazyPattern(pattern, _I))
    for action, pattern in (
        (
            "list",
            r"^(?:(?:what|which)\s+(?:are|r)\s+(?:my|the)\s+reminders|(?:show|list|see|check)\s+"
            r"(?:me\s+)?(?:all\s+)?(?:my|the)\s+reminders|(?:my\s+|any\s+)?reminders"
            r"|do\s+i\s+have\s+(?:any\s+)?reminders(?:\s+set)?)\s*\??$",
        ),
        (
            "digest",  # stop
            rf"^(?:stop|cancel|turn\s+off|disable|unsubscribe\s+from|no\s+more)\s+(?:sending\s+"
            rf"(?:me\s+)?)?(?:the\s+|my\s+)?(?:morning|daily|day'?s|everyday)\s+{_LIST_WORDS}"
            r"(?:\s+please)?$",
        ),
        (
            "digest",
            rf"^(?:send|give|show|dm|message|post)\s+me\s+(?:my|the)\s+(?:task\s+|todo\s+)?"
            rf"{_LIST_WORDS}\s+(?P<when>(?:every|each)\s+(?:morning|day|weekday)(?:\s+at\s+.+)?|"
            r"daily(?:\s+at\s+.+)?|(?:at\s+.+?\s+)?every\s+(?:morning|day))$",
        ),
        (
            "clear_reminder",
            r"^(?:no|remove|delete|cancel|clear|drop|stop)\s+(?:the\s+)?reminders?\s+"
            r"(?:for|on|from|about)\s+(?P<ref>.+)$"
            r"|^(?:don'?t|do\s+not)\s+remind\s+me\s+(?:about|of)\s+(?P<ref2>.+)$",
        ),
        (
            "repeat",  # stop
            r"^(?:stop|quit|no\s+longer|don'?t\s+keep)\s+repeating\s+(?P<ref>.+)$"
            r"|^(?P<ref2>.+?)\s+(?:should\s+)?(?:no\s+longer\s+repeats?|stops?\s+repeating|"
            r"doesn'?t\s+repeat(?:\s+any\s?more)?)$",
        ),
        (
            "repeat",
            r"^(?:make|set|have)\s+(?P<ref>.+?)\s+(?:repeat|recur|recurring|repeating)\s+"
            r"(?P<when>.+)$|^(?P<ref2>.+?)\s+(?:should\s+)?(?:repeats?|recurs?)\s+(?P<when2>.+)$",
        ),
        (
            "snooze",
            r"^snooze\s+(?P<ref>.+?)(?:\s+(?P<prep>until|till|til|to|for|by)\s+(?P<when>.+))?$"
            r"|^snooze(?:\s+(?P<prep2>for|until|till)\s+(?P<when2>.+))?$",
        ),
        (
            "snooze",  # again
            r"^remind\s+me\s+(?:again|later)(?:\s+(?P<when>.+))?$",
        ),
        (
            "remind",
            rf"^remind\s+me\s+(?:about|of)\s+(?P<ref>{_NUMBERED})\s+(?P<when>.+)$"
            rf"|^remind\s+me\s+(?P<when2>.+?)\s+(?:about|of)\s+(?P<ref2>{_NUMBERED})$",
        ),
        (
            "remind",  # relative to the due time of the task just talked about
            rf"^remind\s+me\s+(?P<when>(?:an?|\d+|half\s+an?)\s*\w+\s+before|the\s+day\s+before|"
            rf"when\s+it'?s\s+due|on\s+time)(?:\s+(?:about\s+)?(?P<ref>{_NUMBERED}))?$",
        ),
    )
)


def read_timing(text: str, *, now: datetime) -> Timing | None:
    """The reminder / repeat / daily-list request ``text`` makes, if it makes one."""
    stripped = text.strip().rstrip(".!")
    for action, pattern in _RULES:
        match = pattern.match(stripped)
        if match is None:
            continue
        found = _read(action, match, now=now)
        if found is not None:
            return found
    return None


def _group(match: re.Match[str], *names: str) -> str | None:
    for name in names:
        value = match.groupdict().get(name)
        if value:
            return value.strip()
    return None


def _ref(words: str | None) -> TaskRef | None:
    if words is None or re.fullmatch(r"it|that|this(?:\s+one)?", words, _I):
        return TaskRef(pronoun=True)
    return parse_ref(words)


def _read(action: TimingAction, match: re.Match[str], *, now: datetime) -> Timing | None:
    when = _group(match, "when", "when2")
    ref_words = _group(match, "ref", "ref2")
    if action == "list":
        return Timing("list")
    if action == "digest":
        if when is None:
            return Timing("digest", enabled=False)
        clock = re.search(r"\bat\s+(.+)$", when, _I)
        return Timing("digest", when=clock[1] if clock else None)
    ref = _ref(ref_words)
    if ref is None:
        return None
    if action == "repeat":
        if when is None:
            return Timing("repeat", ref=ref, enabled=False)
        found, rest = dates.find_repeat(when, now=now)
        if found is None or re.sub(r"[\s,.!?]+|\b(?:on|at|the)\b", "", rest, flags=_I):
            return None
        return Timing("repeat", ref=ref, when=when)
    if action == "snooze":
        prep = (_group(match, "prep", "prep2") or "").lower()
        if when and prep == "for" and not when.lower().startswith("in "):
            when = f"in {when}"
        return Timing("snooze", ref=ref, when=when)
    return Timing(action, ref=ref, when=when)


# A repeat rule belongs to a task said in a few words ("water the plants every sunday"); in a
# long story ("… the radiator that clanks every night …") "every night" is part of the story.
_REPEAT_TITLE_WORDS = 12


def timing_of_new_task(title: str, *, now: datetime) -> tuple[str, str | None, str | None]:
    """A new task's title without its repeat rule or reminder lead, the rule, the lead."""
    found, rest = dates.find_repeat(title, now=now)
    if found is not None and len(rest.split()) > _REPEAT_TITLE_WORDS:
        found, rest = None, title
    rule = found.rule if found else None
    lead, rest = dates.find_reminder(rest)
    return rest, rule, lead.phrase if lead else None


def repeating_task(text: str, *, now: datetime) -> str | None:
    """The whole message as a new repeating task ("water the plants every sunday"), if it
    is one: a repeat phrase and a few other words."""
    found, rest = dates.find_repeat(text, now=now)
    words = rest.split()
    if found is None or not 1 <= len(words) <= _REPEAT_TITLE_WORDS:
        return None
    if re.fullmatch(r"\s*(?:#\s?)?\d+\s*", rest):
        return None  # "2 every monday" is a change to task 2, not a new task
    return text


def keep_reminder(words: str | None, due: str | None, *, now: datetime, tz: ZoneInfo) -> str | None:
    """``words`` if they make a reminder still to come. An explicit lead ("30 min before") is
    always kept, so the tool explains what is wrong with it; a reminder taken from the due
    words ("remind me … today") that has already passed is dropped — the task still counts."""
    if words is None or dates.find_reminder(words)[0] is not None:
        return words
    try:
        due_value = dates.parse_due(due, now=now, tz=tz) if due else None
        dates.parse_reminder(words, now=now, tz=tz, due=due_value)
    except InvalidDate:
        return None
    return words


Resolve = Callable[[TaskRef, str], Awaitable[tuple[list[int], str]]]


async def perform_timing(intent: Timing, *, call: Call, resolve: Resolve) -> str:
    """Carry out ``intent`` through the tools; the reply in words."""
    if intent.action == "list":
        return say.reminders(await call("list_reminders", {}))
    if intent.action == "digest":
        arguments: dict[str, Any] = {"enabled": intent.enabled}
        if intent.when:
            arguments["time"] = intent.when
        return say.digest(await call("set_digest", arguments))
    assert intent.ref is not None
    numbers, problem = await resolve(intent.ref, intent.action)
    if problem:
        return problem
    lines = []
    for number in numbers:
        if intent.action == "snooze":
            result = await call("snooze_task", given(number=number, until=intent.when or None))
        else:  # a reminder at ``when`` or none; a repeat rule, or none when it stops
            field = "repeat" if intent.action == "repeat" else "remind_at"
            value = intent.when if intent.action != "clear_reminder" and intent.enabled else None
            result = await call("update_task", {"number": number, field: value})
        lines.append(_SAID[intent.action](result))
    return "\n".join(lines)


_SAID = {
    "snooze": say.reminder_set,
    "remind": say.reminder_set,
    "clear_reminder": say.reminder_cleared,
    "repeat": say.repeat_set,
}
