"""Edits to one task's fields: details, due date, priority, title.

``NOTES`` are read before new tasks ("add a note to 3: …" starts like an add); ``EDITS`` after
them ("add call mom by friday" is a new task, not a due date for a task "add call mom").
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from bot.agents.rules.grammar import (
    COUNT,
    DUE_FIELD,
    LIST_NOUN,
    Rules,
    count,
    task_ref,
    without_correction,
)
from bot.agents.rules.intents import Intent, TaskRef, Update
from bot.agents.rules.lexicon import regex
from bot.agents.rules.priority import find_priority
from bot.agents.rules.refs import parse_ref
from bot.agents.rules.when import find_due, is_time_only
from bot.dates.lazy import LazyPattern
from bot.tasks import Priority

_POSSESSIVE = frozenset({"its", "it's", "that", "the"})
NOTES = Rules()
EDITS = Rules()

_NUMBERED = r"(?:#\s?\d+|(?:task|number|item)\s+#?\d+|\d+)"
_SEP = r"\s*[:\-–—]\s*"
_DETAILS = r"(?:notes?|details?|description|comment|info)"
# ", should read", ": it should be": where a corrected title starts.
_SHOULD_READ = r"\s*[,:;.\-–—]+\s*(?:it\s+)?should\s+(?:be|say|read)\s*:?\s+"


@NOTES.rule(
    rf"^(?:add|attach|put|append|include)\s+(?:a\s+|the\s+|some\s+|this\s+|these\s+)?{_DETAILS}"
    rf"\s+(?:to|on|for|in)\s+(?P<ref>.+?)(?:{_SEP}|\s*,\s+)(?P<note>.+)$",
    rf"^(?:add|append)\s+to\s+(?P<ref>{_NUMBERED}){_SEP}(?P<note>.+)$",
    rf"^(?:add|append)\s+to\s+(?!(?:my|the|our)\s+{LIST_NOUN}\b)(?P<ref>.+?)\s*:\s+(?P<note>.+)$",
    rf"^(?:add|append)\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+){_SEP}(?P<note>.+)$",
    r"^(?:for|on|to|re|regarding|about)\s+(?P<ref>.+?)\s*,?\s+(?:add|append|attach|put|note|"
    rf"include)\s+(?:a\s+|the\s+|some\s+|these\s+|this\s+)?{_DETAILS}?\s*(?:[:\-–—]|that)?\s*"
    r"(?P<note>.+)$",
    rf"^{_DETAILS}\s+(?:on|for|to)\s+(?!self\b|myself\b|me\b)(?P<ref>.+?){_SEP}(?P<note>.+)$",
    rf"^(?P<ref>{_NUMBERED})\s*[:\-–—]?\s*(?:add\s+)?(?:a\s+)?(?:notes?|details?){_SEP}"
    r"(?P<note>.+)$",
    rf"^append\s+(?P<note>.+?)\s+to\s+(?P<ref>{_NUMBERED})$",
    rf"^(?:add|append|put)\s+(?P<note>.+?)\s+(?:to|in|on)\s+(?:the\s+)?{_DETAILS}\s+(?:of|on|for|in)\s+"
    r"(?P<ref>.+)$",
)
def _note(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    note = match["note"].strip().strip('"“”')
    return Update(ref, note=note) if ref and note else None


@NOTES.rule(
    r"^(?:set|change|update|replace|make)\s+(?:the\s+)?(?:description|details|notes?)\s+"
    r"(?:of|on|for)\s+(?P<ref>.+?)\s+(?:to|as)\s*[:\-–—]?\s*(?P<desc>.+)$",
)
def _description(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, description=match["desc"].strip()) if ref else None


_STATE_WORDS = r"(?:not\s+|un)?(?:done|complete|completed|finished|open|reopened|checked)"


@EDITS.rule(
    r"^(?:typo|mistake|error|misspelling|spelling\s+mistake|spelling\s+error)\s+(?:in|on)\s+"
    rf"(?P<ref>.+?){_SHOULD_READ}(?P<title>.+)$",
    r"^(?P<ref>.+?)\s+(?:(?:is|was|'s)\s+(?:misspell?[et]d?|spell?[et]d?\s+wrong|wrong|a\s+typo)|"
    r"has\s+a\s+(?:typo|mistake|spelling\s+mistake))"
    rf"{_SHOULD_READ}(?P<title>.+)$",
    r"^(?:fix|change|correct|update|edit)\s+(?:the\s+)?(?:title|name|wording|spelling|typo)\s+"
    r"(?:of|for|on|in)\s+(?P<ref>.+?)\s*(?::|\s+to|\s+in(?=\s+[\"“'‘])|,\s*(?:it'?s|it\s+is|to)|"
    rf"{_SHOULD_READ})\s*(?P<title>.+)$",
    # "change the landlord task's name to: …": the field after the task's words
    r"^(?:fix|change|correct|update|edit)\s+(?:the\s+)?(?P<ref>.+?)(?:\s+task)?(?:'s|’s)?\s+"
    r"(?:title|name|wording)\s*(?::|\s+to\b:?|\s+in(?=\s+[\"“'‘]))\s*(?P<title>.+)$",
    r"^(?:rename|retitle|re-title|re-name)\s+(?P<ref>.+?)(?:\s*:|\s+(?:to|as|into|->|→))\s+"
    r"(?P<title>.+)$",
    r"^(?:call|name)\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+)\s+(?P<title>.+)$",
    r"^(?:call|name)\s+(?P<ref>\d{1,4})\s+(?P<title>[\"“'‘].+)$",
    # "…, call it 'swim laps'", "fix it to '…'": a quoted new title for the task named before
    r"^(?:rename|retitle|call|name|fix|correct|change|make)\s+(?P<ref>it|this|that)(?:\s+one)?"
    r"\s+(?:to\s+|as\s+|into\s+)?(?P<title>[\"“'‘].+)$",
    r"^(?P<ref>.+?)\s+should\s+(?:be\s+called|say|read|be\s+named)\s+(?P<title>.+)$",
    r"^(?P<ref>.+?)\s+should\s+be\s+(?P<title>[\"“'‘].+)$",
    r"^(?P<ref>#?\s?\d{1,4})\s*(?:->|→|=>)\s*(?P<title>.+)$",
)
def _rename(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    title = without_correction(match["title"].strip())
    title = re.sub(r"\s+(?:instead|now|please|pls)$", "", title, flags=re.IGNORECASE)
    title = regex(r"\s*\((?:he|she|it|they|we|i)\b[^()]*\)$").sub("", title).strip("\"“”'‘’")
    if regex(_STATE_WORDS).fullmatch(title):
        return None  # "4 -> not done" sets a state; the status rules read it
    level, rest = find_priority(title)
    due, rest = find_due(rest, now=now)
    if (level or due) and not _CONNECTORS.sub("", rest):
        return None  # "3 -> high" sets a value; the rules after this one read it
    return Update(ref, title=title) if ref and title else None


@EDITS.rule(
    r"^(?:remove|clear|delete|drop|take\s+off|get\s+rid\s+of|unset|scrap|ditch|no\s+more|kill|"
    rf"cancel|lose)\s+(?:the\s+)?{DUE_FIELD}\s+(?:from|on|of|for|in)\s+(?P<ref>.+)$",
    rf"^(?P<ref>.+?)\s+(?:has|have|with|needs|gets)?\s*no\s+(?:more\s+)?{DUE_FIELD}"
    r"(?:\s+(?:anymore|any\s+more|now|after\s+all))?$",
    r"^(?P<ref>.+?)\s+(?:doesn't|does\s+not|doesnt|don't|no\s+longer)\s+(?:have|has|need|needs)"
    rf"\s+(?:a\s+)?{DUE_FIELD}(?:\s+(?:anymore|any\s+more))?$",
    r"^(?P<ref>.+?)\s+(?:is\s+not|isn't|isnt|is\s+no\s+longer|no\s+longer)\s+due"
    r"(?:\s+(?:anymore|any\s+more|on\s+\w+))?$",
    rf"^no\s+{DUE_FIELD}\s+(?:for|on)\s+(?P<ref>.+)$",
    rf"^(?:remove|clear|delete|drop|take\s+off|get\s+rid\s+of|unset|scrap|ditch)\s+"
    rf"(?P<ref>its|it's|that|the)\s+{DUE_FIELD}$",
    r"^(?:unschedule|undate)\s+(?P<ref>.+)$",
    rf"^(?:make|set|leave)\s+(?P<ref>.+?)\s+(?:undated|without\s+(?:a\s+)?{DUE_FIELD}|"
    rf"with\s+no\s+{DUE_FIELD}|unscheduled)$",
)
def _clear_due(match: re.Match[str], now: datetime) -> Intent | None:
    ref = TaskRef(pronoun=True) if match["ref"].lower() in _POSSESSIVE else task_ref(match)
    return Update(ref, clear_due=True) if ref else None


@EDITS.rule(
    rf"^(?:postpone|push|delay|move|bump|defer|shift|kick|snooze)\s+(?P<ref>.+?)\s+"
    rf"(?:back\s+|out\s+|forward\s+|off\s+)?(?:by\s+|for\s+)?(?:another\s+)?(?P<n>{COUNT})\s+"
    r"(?P<unit>days?|weeks?|wks?|months?|hours?|hrs?|minutes?|mins?)"
    r"(?:\s+(?:later|back|out|(?P<earlier>earlier|sooner)))?$",
)
def _shift(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    word = match["unit"].lower()
    unit = {"w": "week", "h": "hour", "d": "day"}.get(word[0]) or (
        "month" if word[:2] == "mo" else "minute"
    )
    amount = count(match["n"]) * (-1 if match["earlier"] else 1)
    return Update(ref, shift=(amount, unit)) if ref else None


_FIELD_BEFORE = LazyPattern(
    rf"^(?:the\s+)?(?P<field>{DUE_FIELD}|priority|prio|title|name|wording)\s+(?:of|on|for|in)\s+",
    re.IGNORECASE,
)
_FIELD_AFTER = LazyPattern(
    rf"(?:'s|’s)?\s+(?P<field>{DUE_FIELD}|priority|prio|title|name|wording)$", re.IGNORECASE
)
_SET_VERBS = (
    r"change|update|edit|set|make|move|push|postpone|delay|reschedule|shift|defer|bump|switch|"
    r"put|mark|turn|rename|retitle|raise|lower|drop|upgrade|downgrade|escalate|flag|give"
)
_RENAMING = ("change", "update", "edit", "rename", "retitle", "switch", "turn")
# What may be left around a value once its priority or date is read ("the rent *one* urgent").
_CONNECTORS = LazyPattern(
    r"[\s,.;:!?()\-–—]+|\b(?:and|at|on|by|the|of|due|with|a|an|to|be|one|thing|task|item|"
    r"now|instead|please|pls)\b",
    re.IGNORECASE,
)


@EDITS.rule(
    rf"^(?P<verb>{_SET_VERBS})\s+(?P<ref>.+?)\s+(?:to|till|until|into|as|->|→|=|back\s+to|"
    r"out\s+to|over\s+to|off\s+to|up\s+to|down\s+to|for)\s+(?P<value>.+)$",
    rf"^(?P<verb>{_SET_VERBS})\s+(?P<ref>.+?)\s+(?P<value>(?:on|due)\s+.+)$",
    rf"^(?P<verb>give)\s+(?P<ref>.+?)\s+(?:a|the)\s+(?P<field>{DUE_FIELD}|priority)\s+(?:of\s+)?"
    r"(?P<value>.+)$",
    r"^(?P<verb>update|change|edit)\s+(?P<ref>#?\d+|task\s+#?\d+)\s*[:\-–—]\s*(?P<value>.+)$",
)
def _set_value(match: re.Match[str], now: datetime) -> Intent | None:
    """ "move 3 to friday", "bump the rent one to urgent", "change 2 to buy oat milk"."""
    verb = match["verb"].lower()
    ref_text = match["ref"]
    field = (match.groupdict().get("field") or "").lower()
    for pattern in (_FIELD_BEFORE, _FIELD_AFTER):
        found = pattern.search(ref_text)
        if found:
            field = found["field"].lower()
            ref_text = ref_text[: found.start()] + ref_text[found.end() :]
    # "make the passport one urgent and due friday": a first value before "and".
    first, before_and = find_priority(ref_text)
    if first is not None and re.search(r"(?:\s+and|,)\s*$", before_and):
        ref_text = re.sub(r"(?:\s+and|,)\s*$", "", before_and)
    ref = parse_ref(ref_text)
    if ref is None:
        return None
    value = re.sub(r"^(?:say|read|be)\s+", "", match["value"].strip(), flags=re.IGNORECASE)
    value = without_correction(value)
    if "time" in field and re.fullmatch(r"\d{1,2}(?::\d{2})?", value):
        value = f"at {value}"  # "set the dentist time to 11": a bare number is the hour
    wants_title = field in ("title", "name", "wording")
    if not wants_title:
        level, rest = find_priority(value)
        level = level or (first if ref_text != match["ref"] else None)
        due, rest = find_due(rest, now=now) if field not in ("priority", "prio") else (None, rest)
        if (level or due) and not _CONNECTORS.sub("", rest):
            return Update(
                ref, priority=level, due=due.value if due else None, time_only=is_time_only(due)
            )
    if (verb in _RENAMING or wants_title) and not field.startswith(("due", "dead", "date", "prio")):
        title = value.strip().strip("\"“”'‘’")
        return Update(ref, title=title) if title else None
    return None


@EDITS.rule(
    rf"^(?:{_SET_VERBS})\s+(?P<rest>.+)$",
    # "plumber call at 10am instead", "do the dentist friday instead": a change of a task.
    r"^(?:(?:do|doing|have)\s+)?(?P<rest>.+?)\s+(?:instead|rather)$",
    # "do the plumber call at 4pm": a task by its words and a new time (a new task when the
    # words fit none: ``Update.otherwise``).
    r"^(?:do|have)\s+(?P<rest>.+)$",
    r"^(?P<rest>#?\d{1,4}\s+\S+(?:\s+\S+)?)$",  # "#2 p1", "4 tmrw": a number and a value
)
def _ref_then_value(match: re.Match[str], now: datetime) -> Intent | None:
    """ "make the eye exam urgent", "the dentist at 2pm instead": the value is the last few
    words (the longest tail that is nothing but a date or priority), the task the rest."""
    words = match["rest"].split()
    for size in range(min(4, len(words) - 1), 0, -1):
        ref = parse_ref(" ".join(words[:-size]))
        value = re.sub(r"^as\s+", "", " ".join(words[-size:]), flags=re.IGNORECASE)
        level, rest = find_priority(value)
        due, rest = find_due(rest, now=now)
        if ref and (level or due) and not _CONNECTORS.sub("", rest):
            return Update(
                ref, priority=level, due=due.value if due else None, time_only=is_time_only(due)
            )
    return None


@EDITS.rule(r"^(?P<rest>(?:[\w'’]+\s+){0,3}[\w'’]+\s*[:\-–—]\s+\S.*)$")
def _words_then_value(match: re.Match[str], now: datetime) -> Intent | None:
    """ "cake - high priority", "MOT: dec 3": a task's words, a mark, a value — a loose
    reading (a new task when the words fit none)."""
    intent = _ref_then_value(match, now)
    return dataclasses.replace(intent, confident=False) if isinstance(intent, Update) else None


@EDITS.rule(
    rf"^(?P<ref>[^:]+?)\s*:\s*(?:remove|clear|delete|drop|no)\s+(?:the\s+|more\s+)?{DUE_FIELD}$",
)
def _topic_clear_due(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, clear_due=True) if ref else None


@EDITS.rule(
    r"^(?P<ref>.+?)\s+(?:is|should\s+be(?:\s+done)?|needs\s+to\s+be(?:\s+done)?|has\s+to\s+be"
    r"(?:\s+done)?|must\s+be(?:\s+done)?|gets\s+done|is\s+now)?\s*(?:now\s+)?(?:due|by)\s+"
    r"(?P<value>.+)$",
    r"^(?:make|set)\s+(?P<ref>.+?)\s+due\s+(?:on\s+|by\s+)?(?P<value>.+)$",
    r"^(?:the\s+)?(?P<ref>.+?)(?:['’]s)?\s+(?:due\s+date|deadline|date)\s+(?:is|should\s+be|=|:|is\s+now|"
    r"changed\s+to|moved\s+to)\s+(?:now\s+|actually\s+|really\s+)*(?P<value>.+)$",
    r"^(?:the\s+)?(?:new\s+)?(?:due\s+date|deadline|date)\s+(?:for|of|on)\s+(?P<ref>.+?)\s+"
    r"(?:is|should\s+be|=|:|is\s+now|moves\s+to)\s+(?:now\s+)?(?P<value>.+?)(?:\s+now)?$",
    r"^(?P<ref>.+?)\s+(?:moves|is\s+moving|is\s+moved|got\s+moved|has\s+moved|was\s+moved|"
    r"(?:is|got|was)\s+(?:pushed|postponed|rescheduled|delayed|bumped)|slips|slipped|shifts|shifted|"
    r"(?:can|could|may|will)\s+(?:slip|shift|move|wait)|"
    r"has\s+been\s+(?:moved|pushed|postponed|rescheduled)|(?:can|could|should|will|must)\s+be\s+"
    r"(?:moved|pushed|postponed|delayed|rescheduled|done|finished))\s+(?:back\s+|out\s+)?(?:to|till|until|"
    r"for)\s+(?P<value>.+)$",
    r"^(?P<ref>.+?)\s+(?:can|could|will|should|has\s+to|must)\s+wait\s+(?:till|until|til|for|to)\s+"
    r"(?P<value>.+)$",
    r"^(?P<ref>.+?)\s+(?:to|->|→)\s+(?P<value>.+)$",  # "dentist to 10:30"
    r"^(?P<ref>.+?)\s+(?:is|should\s+be|needs\s+to\s+be|has\s+to\s+be|must\s+be|is\s+now)\s+"
    r"(?:now\s+|actually\s+)?(?P<value>(?:at|on|@)\s+.+)$",
)
def _due(match: re.Match[str], now: datetime) -> Intent | None:
    due, rest = find_due(without_correction(match["value"]), now=now)
    ref = task_ref(match)
    if not (ref and due) or _CONNECTORS.sub("", rest):
        return None
    return Update(ref, due=due.value, time_only=is_time_only(due))


@EDITS.rule(
    r"^(?:postpone|push\s+back|delay|defer|snooze)\s+(?P<ref>.+?)(?:\s+(?:a\s+bit|again))?$",
    r"^(?:push|move|bump|kick)\s+(?P<ref>.+?)\s+(?:back|out)(?:\s+(?:a\s+bit|again))?$",
)
def _postpone(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, shift=(1, "day")) if ref else None


@EDITS.rule(
    r"^(?P<ref>.+?)\s+(?:is|are|(?:should|can|could|will)\s+be|=|->|:|gets|becomes)\s+"
    r"(?:now\s+|actually\s+|"
    r"really\s+|a\s+|an\s+|super\s+)*(?P<value>.+)$",
    r"^(?P<ref>.+?)\s+(?:priority|prio)\s*(?:[:=]|to|->|is)?\s*(?P<value>high|low|medium|normal|"
    r"urgent)$",
    r"^(?:set|change|make)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+(?P<ref>.+?)\s+"
    r"(?:to\s+|as\s+)?(?P<value>.+)$",
    r"^(?P<low>no\s+rush|no\s+hurry|not\s+urgent|don'?t\s+rush|not\s+in\s+a\s+hurry)\s+"
    r"(?:on|for|with|about|re)\s+(?P<ref>.+)$",
)
def _priority(match: re.Match[str], now: datetime) -> Intent | None:
    if match.groupdict().get("low"):
        ref = task_ref(match)
        return Update(ref, priority=Priority.LOW) if ref else None
    level, rest = find_priority(match["value"])
    ref = task_ref(match)
    if not (ref and level) or _CONNECTORS.sub("", rest):
        return None
    return Update(ref, priority=level)


@EDITS.rule(
    r"^(?:prioriti[sz]e|escalate|bump\s+up|upgrade)\s+(?P<ref>.+)$",
    r"^(?:raise|increase|up|bump)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+(?P<ref>.+)$",
    r"^raise\s+(?P<ref>it|this|that|#?\d{1,4})$",
)
def _raise(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, priority=Priority.HIGH) if ref else None


@EDITS.rule(
    r"^(?P<ref>.+?)\s+(?:doesn't|does\s+not|doesnt|don't|no\s+longer)\s+(?:need|needs|have|has)\s+"
    r"to\s+be\s+(?:a\s+)?(?:high[\s-]*(?:priority|prio)|a\s+(?:top\s+)?priority|top\s+priority)"
    r"(?:\s+(?:anymore|any\s+more|now))?$",
    r"^(?P<ref>.+?)\s+(?:is\s+not|isn'?t|is\s+no\s+longer|'s\s+not)\s+(?:a\s+)?high[\s-]*"
    r"(?:priority|prio)(?:\s+(?:anymore|any\s+more|now))?$",
)
def _normal(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, priority=Priority.MEDIUM) if ref else None


@EDITS.rule(
    r"^(?P<ref>.+?)\s+(?:doesn't|does\s+not|doesnt|don't|no\s+longer)\s+(?:need|needs|have|has)\s+"
    r"to\s+be\s+(?:urgent|important|done\s+(?:urgently|asap|soon))(?:\s+(?:anymore|any\s+more))?$",
    r"^(?:deprioriti[sz]e|de-prioriti[sz]e|downgrade)\s+(?P<ref>.+)$",
    r"^(?P<ref>.+?)\s+(?:is\s+not|isn'?t|is\s+no\s+longer|'s\s+not|no\s+longer|not)\s+"
    r"(?:that\s+|so\s+|as\s+)?(?:urgent|important|a\s+priority|high\s+priority|pressing|"
    r"critical)(?:\s+(?:anymore|any\s+more|now|after\s+all))?$",
    r"^(?:lower|decrease|reduce|drop|downgrade)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+"
    r"(?P<ref>.+)$",
    r"^(?:lower|drop)\s+(?P<ref>.+?)(?:'s)?\s+(?:priority|prio)$",
    r"^lower\s+(?P<ref>it|this|that|#?\d{1,4})$",  # "…, lower it": a task has one thing to lower
)
def _lower(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Update(ref, priority=Priority.LOW) if ref else None
