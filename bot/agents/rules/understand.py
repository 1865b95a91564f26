"""``understand``: one message → one intent. Pure, no I/O, fast (no regex over the whole
message is slower than linear, and ``dateparser`` only ever sees a short date phrase).

Order of reading: clean the text (mentions, politeness, emoji) → undo, timezone, small talk
and help → details for a task → new tasks (explicit "add" words) → list requests → changes
to tasks → "i need to …" as a new task → not understood.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.agents.rules.adding import parse_tasks
from bot.agents.rules.assigning import read_team_request
from bot.agents.rules.changes import read_change, read_note
from bot.agents.rules.clauses import read_clauses
from bot.agents.rules.cleaning import clean
from bot.agents.rules.intents import (
    AddTasks,
    Complete,
    Intent,
    NotUnderstood,
    Smalltalk,
    TaskRef,
)
from bot.agents.rules.listing import list_request, read_list
from bot.agents.rules.refs import parse_ref
from bot.agents.rules.reminding import read_timing, repeating_task
from bot.agents.rules.talk import read_talk

_I = re.IGNORECASE
_ADD_TYPO = r"(?:a{1,2}d{1,5}[es]?|sdd|aded|addto)"
# "make", "create" … add only with a task word after them ("make a reminder to …").
_ADD_VERB = rf"(?:{_ADD_TYPO}|create|make|insert|log|save|record|new|set\s+up|set|schedule)"
_ADD_LEAD = re.compile(
    rf"^{_ADD_VERB}\s+(?:(?:this|these|those|the\s+following|following)\s+)?(?:(?:a|an|one|some|"
    r"another|new|more|quick)\s+)*(?:task|todo|to-?do|to\s+do|item|reminder|entry|tasks|todos|"
    r"items|things)\b(?:\s+(?:for|to)\s+me)?\s*(?:[:\-–—]+\s*|\s+(?:called|named|saying|"
    r"that\s+says|titled|for|to|about)\s+|\s+)"
    rf"|^{_ADD_TYPO}(?:\s*[:\-–—]+\s*|\s+)(?:(?:this|these|the\s+following|following|those)\b"
    r"\s*(?=[:\n-])|to\s+(?:my\s+|the\s+)?(?:list|todo\s*list|to-?do\s+list|todos|tasks|"
    r"to-?dos)\s*[:\-–—]?\s*)?"
    r"|^(?:remind|remnd|remid|reminde|rmind|remined)\s+(?:me|us)\s+(?:to\s+|too\s+|"
    r"about\s+|that\s+(?:i\s+(?:need|have)\s+to\s+)?|of\s+)?"
    r"|^(?:reminder|todo|to-?do|to\s+do|task|tbd|new|new\s+task|new\s+todo)\s*[:\-–—]+\s*"
    r"|^reminder\s+(?:to|for|about)\s+"
    r"|^(?:remember|don'?t\s+(?:let\s+me\s+)?forget|do\s+not\s+(?:let\s+me\s+)?forget|"
    r"dont\s+(?:let\s+me\s+)?forget)\s+(?:to\s+|about\s+|that\s+)?"
    r"|^note\s+to\s+self\s*[:\-–—]*\s*"
    r"|^(?:jot|write|put|note)\s+down\s+(?:that\s+i\s+(?:need|have)\s+to\s+)?"
    r"|^(?:(?:i|we)(?:'ve|'ll|'m|ve|ll|m|\s+have|\s+will|\s+am|\s+are)?\s+)?(?:still\s+|also\s+|"
    r"really\s+|def(?:initely)?\s+|probably\s+)?(?:(?:need|needs|have|has|got|ought|want|plan|"
    r"going)\s+to|gotta|must|should|wanna|gonna)\s+(?=\w)",
    _I,
)
_WEAK_ADD = re.compile(
    r"^(?:(?:i|we)\b|need|have|got|gotta|must|should|ought|want|wanna|plan|"
    r"going|gonna|still|also|really|def|probably)",
    _I,
)
_PUT_ON_LIST = re.compile(
    r"^(?:put|add|stick|throw|pop|get|place)\s+(?P<body>.+?)(?<!\bback)\s+(?:on|to|onto|in|into)\s+"
    r"(?:my|the|our)\s+(?:list|todo\s*list|to-?do\s+list|todos|to-?dos|tasks|task\s+list|"
    r"agenda|calendar|board)$",
    _I,
)
# The body ends on a character that is no separator, so a run of punctuation is read once
# (no quadratic backtracking on "::::…").
_TRAILING_ADD = re.compile(
    r"^(?P<body>.+?)(?<![\s,.;:\-–—])[\s,.;:\-–—]+(?:(?:please|pls|can\s+you|could\s+you)\s+)?"
    r"(?:add|ad|save|log|put)\s+(?:that|this|it|pls|please)(?:\s+(?:to|on|in)\s+(?:my|the)\s+"
    r"(?:list|todos?|tasks|to-?do\s+list))?$|^(?P<body2>.+?)(?<!\bback)(?<![\s,.;:\-–—])"
    r"[\s,.;:\-–—]+(?:add\s+)?(?:to|on|onto)\s+(?:my|the)\s+"
    r"(?:list|todo\s*list|to-?do\s+list|todos|to-?dos|tasks)$",
    _I,
)


def understand(message: str, *, now: datetime, expecting_tasks: bool = False) -> Intent:
    """What ``message`` asks for; ``now`` is the person's local wall-clock time.

    ``expecting_tasks``: the conversation is in the middle of a list of new tasks (the bot
    asked what to add, or the person is sending bullet lines one by one), so a bullet line or
    a line with no other reading is a new task.
    """
    if len(message) > MAX_MESSAGE:
        return NotUnderstood("too long")
    team = read_team_request(message, now=now)  # before cleaning, which drops mentions
    if team is not None:
        return team
    intent = _understand(message, now=now)
    if expecting_tasks and (isinstance(intent, NotUnderstood) or _BULLET_LINE.match(message)):
        tasks = parse_tasks(_BULLET_LINE.sub("", message.strip()), now=now)
        return AddTasks(tasks) if tasks else intent
    return intent


# Longer messages are not read at all (the core already refuses them at a lower limit).
MAX_MESSAGE = 10_000
_BULLET_LINE = re.compile(r"^\s*(?:[-*•·+]|\d{1,2}[.)]|\[\s?\])\s+")


def _understand(message: str, *, now: datetime) -> Intent:
    cleaned = clean(message)
    text = cleaned.text
    if not text:
        return Smalltalk("ack" if message.strip() else "help")
    if re.fullmatch(rf"{_ADD_TYPO}|{_ADD_VERB}\s+(?:a\s+)?(?:task|todo)|remind\s+me", text, _I):
        return AddTasks(())
    timing = read_timing(text, now=now)
    if timing is not None:
        return timing
    if "\n" not in text:
        for candidate in (cleaned.raw, cleaned.asked, text):
            talk = read_talk(candidate, question=cleaned.question)
            if talk is not None:
                return talk
    note = read_note(text, now=now)
    if note is not None:
        return note
    listing = list_request(text)
    if listing == "sure":
        return read_list(text, now=now)
    added = _read_add(text, now=now)
    if added is not None:
        return added
    several = read_clauses(text, now=now)
    if several is not None:
        return several
    weak = _read_weak_add(text, now=now)
    if weak is not None:
        return weak
    change = read_change(text, now=now)
    if change is not None:
        return change
    if listing == "maybe":
        return read_list(text, now=now)
    event = _read_event(text, now=now)
    if event is not None:
        return event
    repeating = repeating_task(text, now=now)
    if repeating is not None:
        return _add(repeating, now=now) or NotUnderstood()
    if cleaned.done_mark:
        ref = parse_ref(text)
        if ref is not None and ref.numbers:
            return Complete(ref)
    return NotUnderstood()


def _read_add(text: str, *, now: datetime) -> AddTasks | None:
    wrapped = _PUT_ON_LIST.match(text)
    if wrapped:
        return _add(wrapped["body"], now=now)
    trailing = _TRAILING_ADD.match(text)
    if trailing:
        return _add(trailing["body"] or trailing["body2"], now=now)
    lead = _ADD_LEAD.match(text)
    if lead is None or lead.end() == 0 or _WEAK_ADD.match(lead[0]):
        return None
    body = text[lead.end() :]
    if re.match(r"^\S+\s*-\s", text) and re.search(r"\s-\s", body):
        body = "- " + body  # "add - fix bike - oil chain": the first dash was a bullet
    plural = bool(re.search(r"\b(?:these|those|following|tasks|todos|items|things)\b", lead[0], _I))
    remind = bool(re.match(r"(?:re?m[a-z]*nd|reminder)\b", lead[0], _I))
    return _add(body, now=now, plural=plural, remind=remind)


def _read_weak_add(text: str, *, now: datetime) -> Intent | None:
    """ "i need to call mom" is a new task — unless the rest is a change to a numbered task
    ("i need to move 3 to friday")."""
    lead = _ADD_LEAD.match(text)
    if lead is None or lead.end() == 0 or not _WEAK_ADD.match(lead[0]):
        return None
    rest = text[lead.end() :]
    change = read_change(rest, now=now)
    ref = getattr(change, "ref", None)
    if change is not None and isinstance(ref, TaskRef) and ref.numbers:
        return change
    intent = _add(rest, now=now)
    return AddTasks(intent.tasks, confident=False) if intent else None


_EVENT = re.compile(
    r"^(?:(?:i|we)\s+(?:have|'ve\s+got|got)|i'?ve\s+got|there'?s|there\s+is)\s+(?:(?:a|an|my|the|our)\s+)?"
    r"(?P<body>.+)$",
    _I,
)


def _read_event(text: str, *, now: datetime) -> AddTasks | None:
    """ "i have a dentist appointment tomorrow at 3" — something dated to remember."""
    match = _EVENT.match(text)
    if match is None:
        return None
    intent = _add(match["body"], now=now)
    if intent is None or len(intent.tasks) != 1 or intent.tasks[0].due is None:
        return None
    return AddTasks(intent.tasks, confident=False)


def _add(
    body: str, *, now: datetime, plural: bool = False, remind: bool = False
) -> AddTasks | None:
    tasks = parse_tasks(body, now=now, plural=plural, remind=remind)
    return AddTasks(tasks) if tasks else AddTasks(())
