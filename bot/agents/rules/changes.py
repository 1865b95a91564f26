"""Messages that change existing tasks: complete, reopen, delete, update, remove completed.

Each reader takes the cleaned message and returns an intent or None. They are tried in the
order of ``read_change`` — negations ("isn't done") before affirmations ("done"), field edits
("remove the due date from 2") before deletions ("remove 2").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.agents.rules.intents import (
    Complete,
    Delete,
    Intent,
    RemoveCompleted,
    Reopen,
    Smalltalk,
    TaskRef,
    Update,
)
from bot.agents.rules.lexicon import is_past_tense, past_to_present
from bot.agents.rules.priority import priority_word
from bot.agents.rules.refs import parse_ref
from bot.agents.rules.when import resolve_date_phrase
from bot.tasks import Priority

_I = re.IGNORECASE
_DONE = (
    r"(?:done|complete|completed|finished|sorted|handled|taken\s+care\s+of|dealt\s+with|"
    r"checked\s+off|ticked\s+off|crossed\s+off|out\s+of\s+the\s+way|closed|resolved|"
    r"paid|bought|sent|booked|✅|✔️?|☑️?)"
)
_NOT_DONE = (
    r"(?:not\s+(?:done|complete|completed|finished)|undone|incomplete|open|unfinished|"
    r"to\s?-?do|pending|active|outstanding|uncompleted|unchecked|not\s+finished)"
)
_COUNT = r"(?:\d+|an?|one|two|three|four|five|six|seven|couple(?:\s+of)?|a\s+couple(?:\s+of)?|few)"
_DUE_FIELD = r"(?:due\s+date|deadline|due|date|due\s+time|reminder)"

_REMOVE_COMPLETED = re.compile(
    r"^(?:delete|remove|clear|clean\s*up|clean\s+out|purge|wipe|archive|get\s+rid\s+of|drop|"
    r"trash|clear\s+out|nuke|hide|bin)\s+(?:out\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+|my\s+)?"
    r"(?:completed|done|finished|checked(?:\s+off)?|ticked(?:\s+off)?|closed|old)\b"
    r"(?:\s+(?:tasks?|ones|items|todos|stuff|things|list))?(?:\s+(?:tasks|from\s+my\s+list))?$"
    r"|^(?:delete|remove|clear|purge)\s+(?:all\s+)?(?:the\s+)?(?:tasks|items|ones)\s+"
    r"(?:that\s+are|i'?ve|i\s+have|already)\s+(?:done|completed|finished)$"
    r"|^(?:delete|remove|clear)\s+everything\s+(?:that'?s|i'?ve|i\s+have)\s+"
    r"(?:done|completed|finished)$",
    _I,
)
_BULK = re.compile(
    r"^(?:delete|remove|clear|wipe|erase|drop|nuke|purge|trash|scrap|reset|empty|complete|"
    r"finish|mark)\s+(?:out\s+)?(?:all|everything|every\s+(?:single\s+)?task|all\s+(?:of\s+)?"
    r"(?:my\s+|the\s+)?(?:tasks|todos|items)|my\s+(?:whole\s+|entire\s+)?(?:list|tasks)|"
    r"the\s+(?:whole\s+|entire\s+)?list)\b",
    _I,
)

_Reader = Callable[[re.Match[str], datetime], Intent | None]
_Rules = list[tuple[re.Pattern[str], _Reader]]
# Notes are read before new tasks ("add a note to 3: …" starts like an add); everything else
# after them ("add call mom by friday" is a new task, not a due date for "add call mom").
_NOTE_RULES: _Rules = []
_RULES: _Rules = []


def _rule(*patterns: str, rules: _Rules = _RULES) -> Callable[[_Reader], _Reader]:
    def register(reader: _Reader) -> _Reader:
        for pattern in patterns:
            rules.append((re.compile(pattern, _I), reader))
        return reader

    return register


def read_note(text: str, *, now: datetime) -> Intent | None:
    """Details added to a task ("add a note to 3: …"), or None."""
    return _first(_NOTE_RULES, text, now)


def read_change(text: str, *, now: datetime) -> Intent | None:
    """The change ``text`` asks for, or None when it asks for no change."""
    if _REMOVE_COMPLETED.match(text):
        return RemoveCompleted()
    if _BULK.match(text):
        return Smalltalk("refuse_bulk")
    return _first(_RULES, text, now)


def _first(rules: _Rules, text: str, now: datetime) -> Intent | None:
    for pattern, reader in rules:
        match = pattern.match(text)
        if match:
            intent = reader(match, now)
            if intent is not None:
                return intent
    return None


def _ref(match: re.Match[str], group: str = "ref") -> TaskRef | None:
    text = match[group]
    text = re.sub(
        r"^(?:the\s+)?(?:task|todo|item)\s+(?:called|named|for|about)\s+", "", text, flags=_I
    )
    return parse_ref(text)


# --- notes and details -------------------------------------------------------------------


@_rule(
    r"^(?:add|attach|put|append|include)\s+(?:a\s+|the\s+|some\s+|this\s+)?(?:notes?|details?|"
    r"description|comment|info)\s+(?:to|on|for|in)\s+(?P<ref>.+?)\s*[:\-–—]\s*(?P<note>.+)$",
    r"^(?:add|append)\s+to\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+|\d+)\s*[:\-–—]\s*"
    r"(?P<note>.+)$",
    r"^(?:add|append)\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+)\s*[:\-–—]\s*(?P<note>.+)$",
    r"^(?:for|on|to|re|regarding|about)\s+(?P<ref>.+?)\s*,?\s+(?:add|append|attach|put|note|"
    r"include)\s+(?:a\s+|the\s+|some\s+|these\s+|this\s+)?(?:notes?|details?|description|"
    r"comment|info)?\s*(?:[:\-–—]|that)?\s*(?P<note>.+)$",
    r"^(?:notes?|details?|comment)\s+(?:on|for|to)\s+(?!self\b)(?P<ref>.+?)\s*[:\-–—]\s*"
    r"(?P<note>.+)$",
    r"^(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+|\d+)\s*[:\-–—]?\s*(?:add\s+)?(?:a\s+)?"
    r"(?:notes?|details?)\s*[:\-–—]\s*(?P<note>.+)$",
    r"^append\s+(?P<note>.+?)\s+to\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+|\d+)$",
    rules=_NOTE_RULES,
)
def _note(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    note = match["note"].strip().strip('"“”')
    return Update(ref, note=note) if ref and note else None


@_rule(
    r"^(?:set|change|update|replace|make)\s+(?:the\s+)?(?:description|details|notes?)\s+"
    r"(?:of|on|for)\s+(?P<ref>.+?)\s+(?:to|as)\s*[:\-–—]?\s*(?P<desc>.+)$",
    rules=_NOTE_RULES,
)
def _description(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Update(ref, description=match["desc"].strip()) if ref else None


# --- due dates ---------------------------------------------------------------------------


@_rule(
    rf"^(?:remove|clear|delete|drop|take\s+off|get\s+rid\s+of|unset|scrap|ditch|no\s+more|kill|"
    rf"cancel|lose)\s+(?:the\s+)?{_DUE_FIELD}\s+(?:from|on|of|for|in)\s+(?P<ref>.+)$",
    rf"^(?P<ref>.+?)\s+(?:has|have|with|needs|gets)?\s*no\s+(?:more\s+)?{_DUE_FIELD}"
    r"(?:\s+(?:anymore|any\s+more|now|after\s+all))?$",
    rf"^(?P<ref>.+?)\s+(?:doesn't|does\s+not|doesnt|don't|no\s+longer)\s+(?:have|has|need|needs)"
    rf"\s+(?:a\s+)?{_DUE_FIELD}(?:\s+(?:anymore|any\s+more))?$",
    r"^(?P<ref>.+?)\s+(?:is\s+not|isn't|isnt|is\s+no\s+longer|no\s+longer)\s+due"
    r"(?:\s+(?:anymore|any\s+more|on\s+\w+))?$",
    rf"^no\s+{_DUE_FIELD}\s+(?:for|on)\s+(?P<ref>.+)$",
    r"^(?:unschedule|undate)\s+(?P<ref>.+)$",
    rf"^(?:make|set|leave)\s+(?P<ref>.+?)\s+(?:undated|without\s+(?:a\s+)?{_DUE_FIELD}|"
    rf"with\s+no\s+{_DUE_FIELD}|unscheduled)$",
)
def _clear_due(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Update(ref, clear_due=True) if ref else None


@_rule(
    rf"^(?:postpone|push|delay|move|bump|defer|shift|kick|snooze)\s+(?P<ref>.+?)\s+"
    rf"(?:back\s+|out\s+|forward\s+|off\s+)?(?:by\s+|for\s+)?(?:another\s+)?(?P<n>{_COUNT})\s+"
    r"(?P<unit>days?|weeks?|wks?|months?)(?:\s+(?:later|back|out))?$",
)
def _shift(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    if ref is None:
        return None
    groups = match.groupdict()
    if groups.get("n"):
        word = re.sub(r"^a\s+", "", match["n"].lower())
        amount = int(word) if word.isdigit() else _word_number(word)
        unit = "week" if match["unit"].lower().startswith("w") else match["unit"].lower()
        return Update(ref, shift=(amount, unit.rstrip("s")))
    return None


def _word_number(word: str) -> int:
    table = {
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "couple": 2,
        "couple of": 2,
        "few": 3,
    }
    return table.get(word, 1)


_FIELD_PREFIX = re.compile(
    rf"^(?:the\s+)?(?P<field>{_DUE_FIELD}|priority|prio|title|name|wording)\s+(?:of|on|for|in)\s+",
    _I,
)
_SET_VERBS = (
    r"change|update|edit|set|make|move|push|postpone|delay|reschedule|shift|defer|"
    r"bump|switch|put|mark|turn|rename|retitle|raise|lower|drop|upgrade|downgrade|"
    r"escalate|flag"
)


@_rule(
    rf"^(?P<verb>{_SET_VERBS})\s+(?P<ref>.+?)\s+(?:to|till|until|into|as|->|→|=|back\s+to|"
    r"out\s+to|over\s+to|off\s+to|up\s+to|down\s+to|for)\s+(?P<value>.+)$",
    rf"^(?P<verb>{_SET_VERBS})\s+(?P<ref>.+?)\s+(?P<value>(?:on|due)\s+.+)$",
    rf"^(?P<verb>{_SET_VERBS})\s+(?P<ref>.+?)\s+(?:as\s+)?(?:an?\s+)?(?P<value>\S+(?:\s+\S+)?)$",
)
def _set_value(match: re.Match[str], now: datetime) -> Intent | None:
    verb = match["verb"].lower()
    ref_text = match["ref"]
    field = ""
    prefix = _FIELD_PREFIX.match(ref_text)
    if prefix:
        field = prefix["field"].lower()
        ref_text = ref_text[prefix.end() :]
    ref = parse_ref(ref_text)
    if ref is None:
        return None
    value = match["value"].strip()
    level = priority_word(value)
    if level is not None and field in ("", "priority", "prio"):
        return Update(ref, priority=level)
    due = resolve_date_phrase(re.sub(r"^(?:due\s+|on\s+)+", "", value, flags=_I), now=now)
    if due is not None and field not in ("priority", "prio", "title", "name", "wording"):
        return Update(ref, due=due.value)
    renames = verb in ("change", "update", "edit", "rename", "retitle", "switch", "turn")
    if renames and field not in ("priority", "prio") and not re.match(r"^(?:on|due)\s", value, _I):
        title = value.strip().strip("\"“”'‘’")
        return Update(ref, title=title) if title else None
    return None


@_rule(
    r"^(?:rename|retitle|re-title|re-name)\s+(?P<ref>.+?)\s+(?:to|as|into|->|→|:)\s+(?P<title>.+)$",
    r"^(?:call|name)\s+(?P<ref>#\s?\d+|(?:task|number|item)\s+#?\d+)\s+(?P<title>.+)$",
    r"^(?P<ref>.+?)\s+should\s+(?:be\s+called|say|read|be\s+named)\s+(?P<title>.+)$",
)
def _rename(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    title = match["title"].strip().strip("\"“”'‘’")
    return Update(ref, title=title) if ref and title else None


@_rule(
    r"^(?P<ref>.+?)\s+(?:is|should\s+be|needs\s+to\s+be(?:\s+done)?|has\s+to\s+be(?:\s+done)?)?"
    r"\s*(?:now\s+)?(?:due|by)\s+(?P<value>.+)$",
    r"^(?:make|set)\s+(?P<ref>.+?)\s+due\s+(?:on\s+|by\s+)?(?P<value>.+)$",
    r"^(?:do|doing)\s+(?P<ref>.+?)\s+(?P<value>\S+(?:\s+\S+){0,3})\s+instead$",
)
def _due(match: re.Match[str], now: datetime) -> Intent | None:
    due = resolve_date_phrase(match["value"], now=now)
    ref = _ref(match)
    return Update(ref, due=due.value) if ref and due else None


@_rule(
    r"^(?:postpone|push\s+back|delay|defer|snooze)\s+(?P<ref>.+?)(?:\s+(?:a\s+bit|again))?$",
    r"^(?:push|move|bump|kick)\s+(?P<ref>.+?)\s+(?:back|out)(?:\s+(?:a\s+bit|again))?$",
)
def _postpone(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Update(ref, shift=(1, "day")) if ref else None


# --- priority ----------------------------------------------------------------------------


@_rule(
    r"^(?P<ref>.+?)\s+(?:is|are|should\s+be|=|->|:|gets|becomes)\s+(?:now\s+|actually\s+|"
    r"really\s+|a\s+|an\s+|super\s+)*(?P<value>.+)$",
    r"^(?P<ref>.+?)\s+(?:priority|prio)\s*(?:[:=]|to|->|is)?\s*(?P<value>high|low|medium|normal|"
    r"urgent)$",
    r"^(?:set|change|make)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+(?P<ref>.+?)\s+"
    r"(?:to\s+|as\s+)?(?P<value>.+)$",
)
def _priority(match: re.Match[str], now: datetime) -> Intent | None:
    level = priority_word(match["value"])
    ref = _ref(match)
    return Update(ref, priority=level) if ref and level else None


@_rule(
    r"^(?:prioriti[sz]e|escalate|bump\s+up|upgrade)\s+(?P<ref>.+)$",
    r"^(?:raise|increase|up|bump)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+(?P<ref>.+)$",
)
def _raise(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Update(ref, priority=Priority.HIGH) if ref else None


@_rule(
    r"^(?:deprioriti[sz]e|de-prioriti[sz]e|downgrade)\s+(?P<ref>.+)$",
    r"^(?:lower|decrease|reduce|drop|downgrade)\s+(?:the\s+)?(?:priority|prio)\s+(?:of|on|for)\s+"
    r"(?P<ref>.+)$",
    r"^(?:lower|drop)\s+(?P<ref>.+?)(?:'s)?\s+(?:priority|prio)$",
)
def _lower(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Update(ref, priority=Priority.LOW) if ref else None


# --- reopen (before complete: "not done" contains "done") --------------------------------


@_rule(
    r"^(?:undo|revert|reverse)\s+(?:the\s+)?(?:done|completion|complete|check(?:mark)?|tick)\s+"
    r"(?:on|of|for)\s+(?P<ref>.+)$",
    r"^(?:put|bring|move)\s+(?P<ref>.+?)\s+back(?:\s+(?:on|to|onto|in|into)\s+(?:my|the)\s+"
    r"(?:list|todo\s*list|to-?do\s+list|todos|open\s+tasks|open\s+list))?$",
    r"^(?:reopen|re-open|re\s+open|unfinish|uncheck|untick|un-?complete|unmark|restore|"
    r"resurrect|revive|bring\s+back|unarchive|undo|revert)\s+(?P<ref>.+?)"
    r"(?:\s+(?:again|back|to\s+open|please))?$",
    rf"^(?:mark|set|put|flag|move)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+|back\s+(?:to\s+|as\s+)?)?"
    rf"{_NOT_DONE}(?:\s+again)?$",
    r"^(?P<ref>.+?)\s+(?:is|was|are|were|'s)?\s*(?:not|n't|isn't|wasn't|aren't|weren't|ain't|"
    r"isnt|wasnt|is\s+not|was\s+not)\s+(?:actually\s+|really\s+|quite\s+|yet\s+|even\s+|fully\s+|"
    r"totally\s+|completely\s+)*(?:done|finished|complete|completed|over|sorted|paid|"
    r"taken\s+care\s+of)(?:\s+(?:yet|actually|after\s+all|anymore))?(?:\s*[,;.].*)?$",
    r"^(?P<ref>.+?)\s+(?:still\s+needs\s+(?:doing|to\s+be\s+done)|needs\s+to\s+be\s+(?:re)?done|"
    r"is\s+(?:still\s+)?(?:open|pending|unfinished)|should\s+(?:be\s+)?(?:open|reopened))$",
    r"^(?:still\s+need\s+to\s+(?:do|finish))\s+(?P<ref>.+)$",
)
def _reopen(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Reopen(ref) if ref else None


@_rule(
    r"^(?:actually\s+|oops\s+|wait\s+|hmm\s+|sorry\s+)*(?:i|we)\s+(?:didn't|did\s+not|didnt|"
    r"haven't|have\s+not|havent|never|still\s+haven't|still\s+have\s+not)\s+(?:actually\s+|"
    r"really\s+|quite\s+|yet\s+|even\s+)*(?P<verb>[a-z]+)\s+(?P<rest>.+?)"
    r"(?:\s+(?:yet|after\s+all|actually))?(?:\s*[,;.].*)?$",
)
def _not_did(match: re.Match[str], now: datetime) -> Intent | None:
    verb = match["verb"].lower()
    if verb in ("finish", "finished", "complete", "completed", "do", "done"):
        ref = _ref(match, "rest")
    else:
        ref = parse_ref(f"{past_to_present(verb) or verb} {match['rest']}")
    return Reopen(ref, confident=False) if ref else None


# --- complete ----------------------------------------------------------------------------


@_rule(
    r"^(?:mark|set|put|flag)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+)?(?:done|complete|completed|"
    r"finished|closed|resolved|checked|ticked)$",
    r"^(?:done|did|finished|finish|complete|completed|close|closed|resolve|resolved|"
    r"check\s*off|checked\s*off|tick\s*off|ticked\s*off|tick|cross\s*off|crossed\s*off|"
    r"cross\s+out|knock\s*out|knocked\s*out|knock\s+off|knocked\s+off|wrap\s*up|wrapped\s*up|"
    r"mark\s+off|marked\s+off|✅|✔️?|☑️?)(?!\w)\s*(?:with\s+|on\s+)?[:\-]?\s*(?P<ref>.+)$",
    r"^(?:(?:i'?m|i\s+am|im|we'?re|we\s+are)\s+)?(?:all\s+)?(?:done|finished|through)\s+with\s+"
    r"(?P<ref>.+)$",
    r"^(?:got|get)\s+(?P<ref>.+?)\s+done$",
    rf"^(?P<ref>.+?)\s*(?:[:\-–—]\s*)?(?:is|are|was|were|'s|has\s+been|have\s+been|got|now)?\s*"
    rf"(?:all\s+|now\s+|finally\s+|already\s+|officially\s+|totally\s+)?{_DONE}"
    r"(?:\s+(?:now|already|too|as\s+well|finally|at\s+last))?$",
    r"^(?:check|tick)\s+(?P<ref>#\s?\d+.*|\d+.*|(?:task|number|item)\s+#?\d+.*)$",
)
def _complete(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Complete(ref) if ref else None


_NOT_REPORTS_WORDS = """
    forgot wanted needed added missed skipped failed tried started attempted planned hoped meant
    decided scheduled asked said thought wished liked loved hated read set put need postponed
    moved delayed pushed changed renamed deleted removed reopened
"""
_NOT_REPORTS = frozenset(_NOT_REPORTS_WORDS.split())


@_rule(
    r"^(?:(?:i|we)\s+)?(?:(?:just|finally|already|have|'ve|ve|has|also|totally|actually|"
    r"successfully)\s+)*(?P<verb>[a-z]+)\s+(?P<rest>.+)$",
)
def _report(match: re.Match[str], now: datetime) -> Intent | None:
    """ "i bought the milk", "finally paid the rent" — a past deed names a task done."""
    verb = match["verb"].lower()
    if verb in _NOT_REPORTS or not is_past_tense(verb):
        return None
    rest = re.sub(
        r"\s+(?:today|yesterday|this\s+morning|earlier|already|at\s+last)$",
        "",
        match["rest"],
        flags=_I,
    )
    ref = parse_ref(f"{past_to_present(verb) or verb} {rest}")
    return Complete(ref, confident=False) if ref and ref.words else None


# --- delete ------------------------------------------------------------------------------


@_rule(
    r"^(?:delete|del|remove|rm|drop|trash|erase|scrap|scratch|kill|nuke|ditch|toss|bin|"
    r"get\s+rid\s+of|throw\s+out|throw\s+away|axe|cancel|forget(?:\s+about)?|discard|purge|"
    r"wipe|eliminate|take\s+off)\b\s*(?P<ref>.+?)(?:\s+(?:from|off|out\s+of)\s+(?:my|the)\s+"
    r"(?:list|todos?|tasks|to-?do\s+list|todo\s+list))?$",
    r"^(?:never\s?mind|nvm|nevermind)\s+(?:about\s+)?(?P<ref>.+)$",
    r"^(?P<ref>.+?)\s+(?:can|should|must|needs\s+to|may)\s+(?:be\s+)?(?:go|deleted|removed|"
    r"dropped|cancelled|canceled|scrapped|trashed|binned)$",
    r"^(?P<ref>.+?)\s+(?:is|are)\s+(?:no\s+longer\s+(?:needed|necessary|relevant|happening)|"
    r"not\s+(?:needed|necessary|happening|relevant)(?:\s+anymore)?|cancelled|canceled|"
    r"called\s+off|irrelevant|obsolete)(?:\s+anymore)?$",
)
def _delete(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Delete(ref) if ref else None


@_rule(
    r"^(?:i|we)\s+(?:don't|do\s+not|dont|no\s+longer|won't|will\s+not)\s+(?:need|have|want|"
    r"gotta)\s+(?:to\s+)?(?P<ref>.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?$",
    r"^no\s+need\s+(?:to\s+|for\s+)?(?P<ref>.+?)(?:\s+(?:anymore|any\s+more))?$",
)
def _no_longer(match: re.Match[str], now: datetime) -> Intent | None:
    ref = _ref(match)
    return Delete(ref, confident=False) if ref else None
