"""``understand``: one message → one intent. Pure, no I/O, fast (no regex over the whole
message is slower than linear, and ``dateparser`` only ever sees a short date phrase).

The pipeline: clean the text (mentions, politeness, emoji; ``cleaning``) → normalise command
words (typing slips, ``normalise``) → the rule table ``RULES`` below, tried in its written
order; the first rule that reads the text wins and its name is logged at DEBUG. A message of
several requests is split by the "requests" rule and each part goes through the same table.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.agents.rules.adding import parse_tasks
from bot.agents.rules.assigning import read_team_request
from bot.agents.rules.cannot import read_cannot
from bot.agents.rules.changes import CHANGE_ROWS, read_change, read_note
from bot.agents.rules.clauses import read_clauses
from bot.agents.rules.cleaning import Cleaned, clean
from bot.agents.rules.intents import (
    AddTasks,
    Complete,
    Delete,
    Intent,
    NotUnderstood,
    Reopen,
    Several,
    Smalltalk,
    TaskRef,
    Update,
)
from bot.agents.rules.lexicon import (
    ACTION_VERBS,
    CHANGE_VERBS,
    is_past_tense,
    past_to_present,
    regex,
)
from bot.agents.rules.listing import list_request, read_list
from bot.agents.rules.normalise import normalise
from bot.agents.rules.notice_place import read_reminder_platform
from bot.agents.rules.refs import parse_ref
from bot.agents.rules.reminding import read_timing, repeating_task
from bot.agents.rules.requests import (
    read_implicit_add,
    read_items,
    read_label_list,
    read_requests,
    read_scope,
    read_sentences,
)
from bot.agents.rules.talk import read_talk
from bot.agents.rules.task_likeness import unless_unlikely
from bot.agents.rules.when import find_due
from bot.dates.lazy import LazyPattern

log = logging.getLogger(__name__)

_I = re.IGNORECASE
_ADD_TYPO = r"add"  # typing slips are corrected by ``normalise`` first
# "make", "create" … add only with a task word after them ("make a reminder to …").
_ADD_VERB = rf"(?:{_ADD_TYPO}|create|make|insert|log|save|record|new|set\s+up|set|schedule)"
_ADD_LEAD = LazyPattern(
    rf"^{_ADD_VERB}\s+(?:(?:this|these|those|the\s+following|following)\s+)?(?:(?:a|an|one|some|"
    r"another|new|more|quick)\s+)*(?:task|todo|to-?do|to\s+do|item|reminder|entry|tasks|todos|"
    r"items|things)\b(?:\s+(?:for|to)\s+me)?\s*(?:[:\-–—,>→]+\s*|\s+(?:called|named|saying|"
    r"that\s+says|titled|for|to|about)\s+|\s+)"
    rf"|^{_ADD_TYPO}(?:\s*[:\-–—]+\s*|\s+)(?:(?:this|these|the\s+following|following|those)\b"
    r"\s*(?=[:\n-])|to\s+(?:my\s+|the\s+)?(?:list|todo\s*list|to-?do\s+list|todos|tasks|"
    r"to-?dos)\s*[:\-–—]?\s*)?"
    r"|^remind\s+(?:me|us)(?!\s+(?:of\s+)?(?:what|which|how)\b)\s*[:\-–—]?\s+(?:to\s+|too\s+|"
    r"about\s+|that\s+(?:i\s+(?:need|have)\s+to\s+)?|of\s+)?"
    r"|^(?:(?:things|stuff|tasks)\s+)?to\s+add\s*[:\-–—]+\s*"
    r"|^(?:note|reminder|memo)\s+(?:to|for)\s+(?:self|me|myself)\s*[:\-–—>→]*\s*"
    r"|^(?:reminder|todo|to-?do|to\s+do|task|tbd|new|new\s+task|new\s+todo|note|idea|memo|"
    r"action(?:\s+item)?|ai|next\s+step|follow[\s-]?up|(?:one\s+)?more|also|and|adding|"
    r"(?:new|another|one\s+more)\s+(?:one|thing|item))"
    r"\s*[:\-–—>→]+\s*|^reminder\s+(?:to|for|about)\s+"
    r"|^(?:remember|don'?t\s+(?:let\s+me\s+)?forget|do\s+not\s+(?:let\s+me\s+)?forget|"
    r"dont\s+(?:let\s+me\s+)?forget)(?:\s*[:\-–—]\s*|\s+)(?:to\s+|about\s+|that\s+)?"
    r"|^(?:jot|write|put|note)\s+down\s*[:\-–—]?\s+(?:that\s+i\s+(?:need|have)\s+to\s+)?"
    r"|^(?:oh\s+)?before\s+i\s+forget\s*[:,\-–—]?\s+|^(?:\+|[-*]?\s*\[\s?\])\s*(?=[a-z])"
    r"|^(?:(?:i|we)(?:'ve|'ll|'m|ve|ll|m|\s+have|\s+will|\s+am|\s+are)?\s+)?(?:still\s+|also\s+|"
    r"really\s+|def(?:initely)?\s+|probably\s+|totally\s+|absolutely\s+|seriously\s+|just\s+)?"
    r"(?:(?:need|needs|have|has|got|ought|want|plan|"
    r"going)\s+to|gotta|must|should|wanna|gonna|(?:totally\s+|completely\s+|almost\s+)?"
    r"(?:forgot|keep\s+forgetting|always\s+forget)\s+(?:that\s+)?(?:to|i\s+(?:have|need|had)\s+to))\s+(?:(?:probably|really|definitely|"
    r"just|also|still|finally|actually)\s+)?(?=\w)",
    _I,
)
_WEAK_ADD = LazyPattern(
    r"^(?:(?:i|we)\b|need|have|got|gotta|must|should|ought|want|wanna|plan|"
    r"going|gonna|still|also|really|def|probably|totally|completely|almost|forgot|keep|always|"
    r"absolutely|seriously|just)",
    _I,
)
_PUT_ON_LIST = LazyPattern(
    r"^(?:put|add|stick|throw|pop|get|place)\s+(?P<body>.+?)(?<!\bback)\s+(?:on|to|onto|in|into)\s+"
    r"(?:my|the|our)\s+(?:list|todo\s*list|to-?do\s+list|todos|to-?dos|tasks|task\s+list|"
    r"agenda|calendar|board)(?P<tail>\s*[,;.]\s*[^,;.]{1,30}|\s+(?:for|by|on|due|before|until)\s+"
    r"[^,;.]{1,30})?$",
    _I,
)
# The body ends on a character that is no separator, so a run of punctuation is read once
# (no quadratic backtracking on "::::…").
_TRAILING_ADD = LazyPattern(
    r"^(?P<body>.+?)(?<![\s,.;:\-–—])[\s,.;:\-–—]+(?:(?:please|pls|can\s+you|could\s+you)\s+)?"
    r"(?:add|save|log|put|stick|throw|pop|jot|note|write)\s+(?:that|this|it|pls|please)(?:\s+(?:to|on|in)\s+(?:my|the)\s+"
    r"(?:list|todos?|tasks|to-?do\s+list)|\s+down)?(?:\s+(?:too|as\s+well|also))?$|^(?P<body2>.+?)(?<!\bback)(?<![\s,.;:\-–—])"
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
    intent = _understand(message, now=now)
    if expecting_tasks and (isinstance(intent, NotUnderstood) or _BULLET_LINE.match(message)):
        tasks = parse_tasks(_BULLET_LINE.sub("", message.strip()), now=now)
        return AddTasks(tasks) if tasks else intent
    return intent


# Longer messages are not read at all (the core already refuses them at a lower limit).
MAX_MESSAGE = 10_000
_BULLET_LINE = LazyPattern(r"^\s*(?:[-*•·+]|\d{1,2}[.)]|\[\s?\])\s+")


@dataclass(frozen=True, slots=True)
class Reading:
    """What every rule sees: the cleaned, normalised text and the cleaning's findings."""

    text: str
    cleaned: Cleaned
    now: datetime
    message: str  # as typed: mentions included (the team rule reads them)
    listing: str | None  # "sure" / "maybe" / None: how clearly the text asks for a list


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    read: Callable[[Reading], Intent | None]


_BARE_ADD = LazyPattern(rf"{_ADD_TYPO}|{_ADD_VERB}\s+(?:a\s+)?(?:task|todo)|remind\s+me", _I)


def _change_row(
    read: Callable[[str, datetime], Intent | None],
) -> Callable[[Reading], Intent | None]:
    def row(reading: Reading) -> Intent | None:
        change = read(reading.text, reading.now)
        if not isinstance(change, Complete | Delete | Update) or not change.ref.words:
            return change
        dated = not isinstance(change, Update) and find_due(change.ref.words, now=reading.now)[0]
        # "cancel the free trial before it renews": a delete verb that is also a task's verb
        task_verb = isinstance(change, Delete) and reading.text.split()[0].lower() in ACTION_VERBS
        if dated or task_verb or (isinstance(change, Update) and change.title is None):
            # "return the van by friday", "cancel the gym before dec 1": a new task instead
            # when the words fit no task.
            otherwise = read_implicit_add(reading.text, now=reading.now, command_first=True)
            if otherwise is not None:
                return dataclasses.replace(change, otherwise=otherwise)
        return change

    return row


# THE RULE TABLE. Tried in this order; the first rule that returns an intent wins, and its
# name is logged at DEBUG. Why this order: a request about team mates first (it reads the
# message as typed, mentions and all, which cleaning drops); then requests with an
# unmistakable form (a bare "add", a reminder, repeat or daily-list request, a capability the
# bot lacks — also asked as "can i …?" — small talk, a note for a task); then a clear list
# request; then explicit adds (an add word is stronger than any task word inside the title);
# then the whole list at once ("all but the rent one are done" — before any reading of a
# single task, which would do the opposite); then several sentences or requests in one
# message, each part read by this same table (chatter sentences left out); then changes
# named by clauses; then "i need to …"; then changes to existing tasks; then weaker
# readings (a maybe-list, "i have a … tomorrow", "water the plants every sunday", a ✅ with
# numbers), a labelled list ("groceries: eggs, milk") and last a message that reads as a new
# task without an add word.
RULES: tuple[Rule, ...] = (
    Rule("team", lambda r: read_team_request(r.message, now=r.now)),
    Rule("bare-add", lambda r: AddTasks(()) if _BARE_ADD.fullmatch(r.text) else None),
    Rule("reminder-platform", lambda r: read_reminder_platform(r.text)),
    Rule("timing", lambda r: read_timing(r.text, now=r.now)),
    Rule("cannot-yet", lambda r: read_cannot(r.text)),
    Rule("talk", lambda r: _read_talk(r)),
    Rule("note", lambda r: read_note(r.text, now=r.now)),
    Rule("items", lambda r: read_items(r.text, now=r.now, understand=_part_reader(r))),
    Rule("list", lambda r: read_list(r.text, now=r.now) if r.listing == "sure" else None),
    Rule("add-then-change", lambda r: _read_add_then_change(r)),
    Rule("add", lambda r: _read_add(r.text, now=r.now)),
    Rule("scope", lambda r: read_scope(r.text)),
    Rule("topic", lambda r: _read_topic(r)),
    Rule("sentences", lambda r: read_sentences(r.text, understand=_part_reader(r))),
    Rule("requests", lambda r: read_requests(r.text, now=r.now, understand=_part_reader(r))),
    Rule("clauses", lambda r: read_clauses(r.text, now=r.now)),
    Rule("weak-add", lambda r: _read_weak_add(r.text, now=r.now)),
    # Changes to existing tasks: one row each, in ``changes.CHANGE_ROWS``'s written order.
    *(Rule(f"change:{name}", _change_row(read)) for name, read in CHANGE_ROWS),
    Rule("maybe-list", lambda r: read_list(r.text, now=r.now) if r.listing == "maybe" else None),
    Rule("event", lambda r: _read_event(r.text, now=r.now)),
    Rule("repeating", lambda r: _read_repeating(r.text, now=r.now)),
    Rule("done-mark", lambda r: _read_done_mark(r)),
    Rule("label-list", lambda r: read_label_list(r.text, now=r.now)),
    Rule(
        "implicit-add",
        lambda r: unless_unlikely(read_implicit_add(r.text, now=r.now), r.message),
    ),
)


def _understand(message: str, *, now: datetime) -> Intent:
    cleaned = clean(message)
    if not cleaned.text:
        return read_team_request(message, now=now) or Smalltalk(
            "ack" if message.strip() else "help"
        )
    return _read_one(message, cleaned, now=now)


def _read_one(message: str, cleaned: Cleaned, *, now: datetime) -> Intent:
    text = normalise(cleaned.text)
    reading = Reading(
        text=text, cleaned=cleaned, now=now, message=message, listing=list_request(text)
    )
    for rule in RULES:
        intent = rule.read(reading)
        if intent is not None:
            # The rule's name and the intent, never the words: messages stay out of logs.
            log.debug("rule %s read the message as %s", rule.name, type(intent).__name__)
            return intent
    log.debug("no rule read the message")
    return NotUnderstood()


def _part_reader(reading: Reading) -> Callable[[str], Intent]:
    """Reads one part of a message of several requests through the whole table."""
    return lambda part: _read_one(part, clean(part), now=reading.now)


def _read_topic(reading: Reading) -> Intent | None:
    """ "3: rename to 'call the landlord' and set it to high": a task number first, then
    requests that name no task ("rename to …") or name it "it" — each about that task."""
    topic = regex(r"^(?:for\s+|re\s+|on\s+)?#?(?P<n>\d{1,4})\s*[:\-–—]\s*(?P<rest>.+)$").match(
        reading.text
    )
    if topic is None or int(topic["n"]) == 0:
        return None
    rest = regex(r"^(rename|retitle|move|push|set|make|change|bump|mark)\s+(?=to\b|as\b)").sub(
        r"\1 it ", topic["rest"]
    )
    intent = _part_reader(reading)(rest)
    ref = TaskRef(numbers=(int(topic["n"]),))
    topical: list[Complete | Reopen | Delete | Update] = []
    for change in intent.changes if isinstance(intent, Several) else (intent,):
        if not isinstance(change, Complete | Delete | Reopen | Update) or not change.ref.pronoun:
            return None
        topical.append(dataclasses.replace(change, ref=ref))
    return topical[0] if len(topical) == 1 else Several(tuple(topical))


def _read_talk(reading: Reading) -> Intent | None:
    if "\n" in reading.text:
        return None
    cleaned = reading.cleaned
    for candidate in (cleaned.raw, cleaned.asked, reading.text):
        talk = read_talk(candidate, question=cleaned.question)
        if talk is not None:
            return talk
    return None


def _read_done_mark(reading: Reading) -> Intent | None:
    if not reading.cleaned.done_mark:
        return None
    ref = parse_ref(reading.text)
    if ref is not None and ref.numbers:
        return Complete(ref)
    *named, last = reading.text.split() or [""]
    if named and is_past_tense(last):  # "gym membership cancelled ✅": "cancel gym membership"
        ref = parse_ref(f"{past_to_present(last) or last} {' '.join(named)}")
    # A done mark says done, whatever the words: never a new task ("party planning ✅").
    return Complete(ref, confident=False) if ref is not None and ref.words else NotUnderstood()


def _read_add_then_change(reading: Reading) -> Intent | None:
    """ "add groceries for saturday and set 2 to low": a new task, then changes to numbered
    tasks (a change named by words stays part of the title: "add call mom and mark it")."""
    if not reading.text.lower().startswith("add"):
        return None
    intent = read_requests(reading.text, now=reading.now, understand=_part_reader(reading))
    if not isinstance(intent, Several) or not isinstance(intent.changes[0], AddTasks):
        return None
    return intent if all(isinstance(c, AddTasks) or c.ref.numbers for c in intent.changes) else None


def _read_add(text: str, *, now: datetime) -> AddTasks | None:
    label = _LABEL_THEN_VERB.match(text)
    if label and label["verb"].lower() in ACTION_VERBS:
        return _add(text[label.end("label") :], now=now)  # "todo buy lightbulbs"
    wrapped = _PUT_ON_LIST.match(text)
    if wrapped and not re.search(r"[,;]\s*\w+\s+(?:it|that|this)\b", wrapped["body"]):
        return _add(wrapped["body"] + (wrapped["tail"] or ""), now=now)  # ", no rush"
    trailing = _TRAILING_ADD.match(text)
    if trailing and not (trailing["body2"] and text.split()[0].lower() in CHANGE_VERBS):
        # "delete the last one on my list": a change of a task on the list, never a new one
        return _add(trailing["body"] or trailing["body2"], now=now)
    lead = _ADD_LEAD.match(text)
    if lead is None or lead.end() == 0 or _WEAK_ADD.match(lead[0]):
        return None
    body = text[lead.end() :]
    bullet = re.match(r"^\S*?\s*([-+])\s", text)
    if bullet and f" {bullet[1]} " in body:
        body = f"{bullet[1]} {body}"  # "add - fix bike - oil chain": the first dash was a bullet
    plural = bool(re.search(r"\b(?:these|those|following|tasks|todos|items|things)\b", lead[0], _I))
    remind = bool(re.match(r"(?:re?m[a-z]*nd|reminder)\b", lead[0], _I))
    return _add(body, now=now, plural=plural, remind=remind)


_LABEL_THEN_VERB = LazyPattern(r"^(?P<label>todo|to-?do|task)\s+(?P<verb>[a-z]+)\b", _I)


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
    if isinstance(change, Reopen) and change.ref.words:  # "i need to redo the passport form"
        otherwise = AddTasks(intent.tasks, confident=False) if intent and intent.tasks else None
        return dataclasses.replace(change, confident=False, otherwise=otherwise)
    return AddTasks(intent.tasks, confident=False) if intent else None


_EVENT = LazyPattern(
    r"^(?:(?:i|we)\s+(?:have|'ve\s+got|got)|i'?ve\s+got|there'?s|there\s+is)\s+(?:(?:a|an|my|the|our)\s+)?"
    r"(?P<body>.+)$",
    _I,
)


def _read_repeating(text: str, *, now: datetime) -> Intent | None:
    """ "water the plants every sunday": a new repeating task without an add word."""
    repeating = repeating_task(text, now=now)
    if repeating is None:
        return None
    return _add(repeating, now=now) or NotUnderstood()


def _read_event(text: str, *, now: datetime) -> AddTasks | None:
    """ "i have a dentist appointment tomorrow at 3" — something dated to remember."""
    match = _EVENT.match(text)
    if match is None:
        return None
    intent = _add(match["body"], now=now)
    if intent is None or len(intent.tasks) != 1 or intent.tasks[0].due is None:
        return None
    return AddTasks(intent.tasks, confident=False)


# "add a task please, which is to …": politeness and a "which is" between lead-in and title.
_ADD_FILLER = LazyPattern(
    r"^(?:(?:please|pls|plz)\b[\s,]*)?(?:(?:which|that)\s+is\s+(?:to\s+)?|namely\s+)", _I
)
# "gotta remember to …", "i need to make sure to …": a second lead-in after the first.
_SECOND_LEAD = LazyPattern(
    r"^(?:remember|make\s+sure|not\s+forget|don'?t\s+forget)\s+(?:to|that\s+i\s+\w+\s+to)\s+", _I
)


# A self-correction: the words after it replace the last item before it ("milk — wait no,
# oat milk"); "scratch the cheese" after a sentence takes an item back out.
_CORRECTION = LazyPattern(
    r"\b(?:wait\s*,?\s*no|no\s*,?\s*wait|make\s+that|scratch\s+that|or\s+rather|correction)\b"
    r"[\s,:;]*(?:i\s+mean\b[\s,:]*)?|(?<=[,;—–-])\s*i\s+mean[\s,:]+",
    _I,
)
_TAKEN_BACK = LazyPattern(
    r"[.;!]\s*(?:actually\s+|oh\s+)?(?:scratch|forget|skip|leave\s+out)\s+(?:the\s+)?"
    r"(?P<item>[^,.;!]{1,30}?)\s*(?:[,.;!].*)?$",
    _I,
)


def _corrected(body: str) -> tuple[str, str | None]:
    """``body`` with its self-corrections made, and the item it takes back (or None)."""
    taken = _TAKEN_BACK.search(body)
    body = body[: taken.start()] if taken else body
    marks = list(_CORRECTION.finditer(body))
    if marks and body[marks[-1].end() :].strip():  # the last correction, from its item on
        start = len(body[: marks[-1].start()].rstrip(" ,;.-–—"))
        cut = max(body.rfind(",", 0, start), body.rfind(";", 0, start))
        body = body[: cut + 1] + " " + body[marks[-1].end() :]
    return body, taken["item"].lower() if taken else None


def _add(
    body: str, *, now: datetime, plural: bool = False, remind: bool = False
) -> AddTasks | None:
    body, taken_back = _corrected(body)
    lead = _ADD_LEAD.match(body.lstrip())
    if lead is not None and lead.end() and _WEAK_ADD.match(lead[0]):
        body = body.lstrip()[lead.end() :]  # "…, add it": the lead-in is chatter, not title
    body = _SECOND_LEAD.sub("", _ADD_FILLER.sub("", body.lstrip()))
    tasks = parse_tasks(body, now=now, plural=plural, remind=remind)
    tasks = tuple(t for t in tasks if t.title.lower() != taken_back)
    return AddTasks(tasks) if tasks else AddTasks(())
