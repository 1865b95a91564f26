"""Changes of a task's state: reopen, complete, delete.

Reopen comes before complete ("isn't done" contains "done"); past deeds ("i paid the rent")
and "no longer needed" statements come last, as they are the loosest readings.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.agents.rules.grammar import LIST_NOUN, Rules, task_ref
from bot.agents.rules.intents import Complete, Delete, Intent, Reopen, TaskRef
from bot.agents.rules.lexicon import DONE_PHRASE, DONE_VERBS, is_past_tense, past_to_present, regex
from bot.agents.rules.refs import parse_ref

STATUS = Rules()

_DONE = (
    r"(?:done|complete|completed|finished|sorted|handled|taken\s+care\s+of|dealt\s+with|"
    r"checked\s+off|ticked\s+off|crossed\s+off|out\s+of\s+the\s+way|closed|resolved|ready|"
    r"all\s+set|squared\s+away|in\s+the\s+bag|✅|✔️?|☑️?)"
)
_NOT_DONE = (
    r"(?:not\s+(?:done|complete|completed|finished)|undone|incomplete|open|unfinished|"
    r"to\s?-?do|pending|active|outstanding|uncompleted|unchecked|not\s+finished)"
)
_CHECKED = (
    r"(?:marked|checked(?:\s+off)?|ticked(?:\s+off)?|completed|closed|finished|crossed\s+off)"
)
# When a deed was done ("… before lunch"): no word of the task it names.
_WHEN_DONE = (
    r"(?:\s+(?:today|yesterday|this\s+(?:morning|afternoon|evening)|earlier(?:\s+today)?|"
    r"already|at\s+last|last\s+(?:night|week|weekend)|just\s+now|finally|on\s+time|"
    r"(?:before|after|at|during)\s+(?:lunch|breakfast|dinner|work)))?"
)
_OFF_LIST = rf"(?:\s+(?:from|off|out\s+of)\s+(?:my|the)\s+{LIST_NOUN})?"


@STATUS.rule(
    r"^(?:(?:i|we)\s+)?(?:accidentally|mistakenly|wrongly)\s+" + _CHECKED + r"\s+(?P<ref>.+?)"
    r"(?:\s+(?:as\s+)?(?:done|complete|completed|off))?(?:\s+by\s+(?:mistake|accident))?$",
    r"^(?:(?:i|we)\s+)?" + _CHECKED + r"\s+(?P<ref>.+?)(?:\s+(?:as\s+)?(?:done|complete))?\s+"
    r"by\s+(?:mistake|accident)$",
    r"^(?:i|we)\s+didn'?t\s+mean\s+to\s+(?:complete|finish|check\s+off|tick\s+off|close|mark|"
    r"cross\s+off)\s+(?P<ref>.+?)(?:\s+(?:as\s+)?(?:done|complete|off))?$",
    r"^(?P<ref>.+?)\s+(?:was|got)\s+" + _CHECKED + r"(?:\s+(?:as\s+)?(?:done|complete))?\s+"
    r"by\s+(?:mistake|accident)$",
    r"^(?:undo|revert|reverse)\s+(?:the\s+)?(?:done|completion|complete|check(?:mark)?|tick)\s+"
    r"(?:on|of|for)\s+(?P<ref>.+)$",
    r"^(?:put|bring|move)\s+(?P<ref>.+?)\s+back(?:\s+(?:on|to|onto|in|into)\s+(?:my|the)\s+"
    r"(?:list|todo\s*list|to-?do\s+list|todos|open\s+tasks|open\s+list))?(?:\s*[,;.].*)?$",
    r"^(?:reopen|re-open|re\s+open|unfinish|uncheck|untick|un-?complete|unmark|restore|"
    r"resurrect|revive|bring\s+back|unarchive|undo|revert)\s+(?P<ref>.+?)"
    r"(?:\s+(?:again|back|to\s+open|please))?$",
    r"^(?:mark|set|put|flag|move)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+|back\s+(?:to\s+|as\s+)?)?"
    + _NOT_DONE
    + r"(?:\s+again)?$",
    r"^(?P<ref>.+?)\s+(?:is|was|are|were|'s)?\s*(?:not|n't|isn't|wasn't|aren't|weren't|ain't|"
    r"isnt|wasnt|is\s+not|was\s+not)\s+(?:actually\s+|really\s+|quite\s+|yet\s+|even\s+|fully\s+|"
    r"totally\s+|completely\s+)*(?:done|finished|complete|completed|over|sorted|paid|ready|"
    r"taken\s+care\s+of)(?:\s+(?:yet|actually|after\s+all|anymore))?(?:\s*[,;.].*)?$",
    r"^(?P<ref>.+?)\s+(?:still\s+needs\s+(?:doing|to\s+be\s+done)|needs\s+to\s+be\s+(?:re)?done|"
    r"needs\s+(?:re)?doing|needs?\s+(?:re-?)?opening|needs?\s+to\s+be\s+re-?opened|"
    r"is\s+(?:still\s+)?(?:open|pending|unfinished)|should\s+(?:be\s+)?"
    r"(?:open|reopened)|(?:is|was)\s+(?:back\s+)?on\s+(?:my|the)\s+list)(?:\s+again)?$",
    r"^(?:redo|re-do|do)\s+(?P<ref>.+?)\s+again$|^redo\s+(?P<ref2>.+)$",
    r"^[a-z]+\s+(?P<ref>it|that|this(?:\s+one)?)\s+again$",  # "…, need to fix it again"
    r"^(?P<ref2>.+?)\s+still\s+(?:needs?|wants?)\s+(?P<ref>\w+ing)(?:\s+again)?$",
    r"^(?P<ref2>.+?)\s+needs?\s+(?P<ref>\w+ing)\s+again$",
    r"^(?:still\s+need\s+to\s+(?:do|finish))\s+(?P<ref>.+)$",
    r"^(?:not|un)\s*(?:done|finished|complete)(?:\s+yet)?\s*[:\-–—]?\s+(?P<ref>.+)$",
)
def _reopen(match: re.Match[str], now: datetime) -> Intent | None:
    groups = match.groupdict()
    if groups.get("ref") and groups.get("ref2"):  # "the plants still need watering"
        ref = parse_ref(f"{groups['ref']} {groups['ref2']}")
    else:
        ref = task_ref(match, "ref2" if groups.get("ref2") else "ref")
    return Reopen(ref) if ref else None


@STATUS.rule(
    r"^(?P<ref>.+?)\s+(?:is|was|are|were|has|have)?\s*(?:n't|not|isn't|isnt|wasn't|wasnt|hasn't|"
    r"haven't|aren't|weren't)\s+(?:been\s+)?(?:actually\s+|really\s+|yet\s+|even\s+)*"
    r"(?P<verb>[a-z]+)(?:\s+(?:up|off|out|in|back|over|through))?(?:\s+(?:yet|actually|after\s+all))?"
    r"(?:\s*[,;.].*)?$",
)
def _not_deed(match: re.Match[str], now: datetime) -> Intent | None:
    """ "the insurance isn't renewed yet" — a task said to be undone after all."""
    verb = match["verb"].lower()
    if verb in _NOT_DEEDS or not is_past_tense(verb):
        return None
    ref = parse_ref(f"{past_to_present(verb) or verb} {match['ref']}")
    return Reopen(ref, confident=False) if ref and ref.words else None


@STATUS.rule(
    r"^(?:actually\s+|oops\s+|wait\s+|hmm\s+|sorry\s+)*(?:i|we)\s+(?:didn't|did\s+not|didnt|"
    r"haven't|have\s+not|havent|never|still\s+haven't|still\s+have\s+not)\s+(?:actually\s+|"
    r"really\s+|quite\s+|yet\s+|even\s+)*(?P<verb>[a-z]+)\s+(?P<rest>.+?)"
    r"(?:\s+(?:yet|after\s+all|actually))?(?:\s*[,;.].*)?$",
)
def _not_did(match: re.Match[str], now: datetime) -> Intent | None:
    verb = match["verb"].lower()
    if verb in ("finish", "finished", "complete", "completed", "do", "done"):
        ref = task_ref(match, "rest")
    else:
        ref = parse_ref(f"{past_to_present(verb) or verb} {match['rest']}")
    return Reopen(ref, confident=False) if ref else None


@STATUS.rule(
    r"^(?:mark|set|put|flag)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+)?(?:done|complete|completed|"
    r"finished|closed|resolved|checked|ticked)$",
    r"^(?:done|did|finished|finish|complete|completed|close(?:d)?\s+out|close|closed|resolve|resolved|"
    r"check\s*off|checked\s*off|tick\s*off|ticked\s*off|tick|cross\s*off|crossed\s*off|"
    r"cross\s+out|knock\s*out|knocked\s*out|knock\s+off|knocked\s+off|wrap\s*up|wrapped\s*up|"
    r"mark\s+off|marked\s+off|✅|✔️?|☑️?)(?!\w)\s*(?:with\s+|on\s+)?[:\-]?\s*(?P<ref>.+)$",
    r"^(?:(?:i'?m|i\s+am|im|we'?re|we\s+are)\s+)?(?:all\s+)?(?:done|finished|through)\s+with\s+"
    r"(?P<ref>.+)$",
    r"^(?:got|get|have|had)\s+(?P<ref>.+?)\s+(?:done|sorted|out\s+of\s+the\s+way|over\s+with)"
    + _WHEN_DONE
    + "$",
    r"^(?:cross|tick|check|mark|knock)\s+(?P<ref>.+?)\s+off(?:\s+(?:my|the)\s+" + LIST_NOUN + ")?$",
    r"^(?P<ref>.+?)\s*(?:[:\-–—]\s*)?(?:is|are|was|were|'s|has\s+been|have\s+been|got|now)?\s*"
    r"(?:(?:all|now|finally|already|officially|totally|both|each)\s+)*(?<!\w)"
    + _DONE
    + r"(?:\s+(?:now|already|too|as\s+well|finally|at\s+last))?$",
    r"^(?:check|tick)\s+(?P<ref>#\s?\d+.*|\d+.*|(?:task|number|item)\s+#?\d+.*)$",
    r"^x\s+(?P<ref>#?\s?\d+(?:\s*(?:,|and|&)\s*#?\s?\d+)*)$",
)
def _complete(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Complete(ref) if ref else None


def _deed_ref(verb: str, rest: str) -> TaskRef | None:
    """The task a deed names: "paid the rent" → "pay the rent"; a verb that only says "done"
    ("sorted the insurance and the dentist") is left out, it is in no title."""
    phrase = regex(DONE_PHRASE).match(f"{verb} {rest}")
    if phrase:  # "took care of 3": the words after a phrase that only says "done"
        return parse_ref(f"{verb} {rest}"[phrase.end() :])
    if verb.lower() in DONE_VERBS:
        return parse_ref(rest)
    return parse_ref(f"{past_to_present(verb) or verb} {rest}")


_NOT_DEEDS_WORDS = """
    forgot wanted needed added missed skipped failed tried started attempted planned hoped meant
    decided asked said thought wished liked loved hated need postponed
    moved delayed pushed changed renamed deleted removed reopened cancelled canceled
    rescheduled due supposed expected gotten bounced rejected declined refused crashed broke
    lost misspelled misspelt mistyped marked
"""
# Adjectives that say a task of the same verb is done ("the fridge is clean").
_STATES = frozenset({"clean", "tidy", "empty", "free", "clear"})
# Verbs whose past looks like their present ("read me my list"): a deed only after "i".
_SAME_IN_PAST = frozenset({"read", "put", "set", "cut", "hit", "quit", "shut", "let"})
_NOT_DEEDS = frozenset(_NOT_DEEDS_WORDS.split())


@STATUS.rule(
    r"^(?P<ref>.+?)(?:\s+(?:is|are|was|were|has\s+been|have\s+been|got)|'s(?:\s+been)?|’s(?:\s+been)?)\s+(?:now\s+|finally\s+|"
    r"already\s+|all\s+)?(?P<verb>[a-z]+)(?:\s+(?:out|up|off|away|down|in))?"
    r"(?:\s+(?:now|already|too|at\s+last))?$",
)
def _passive_deed(match: re.Match[str], now: datetime) -> Intent | None:
    """ "the car is washed", "rent's paid", "the fridge is clean" — a state names a task done."""
    verb = match["verb"].lower()
    base = verb if verb in _STATES else past_to_present(verb)
    if verb in _NOT_DEEDS or not base or not (verb in _STATES or is_past_tense(verb)):
        return None
    ref = parse_ref(match["ref"])
    if not (ref and (ref.numbers or ref.last)):  # "2 is paid": the number names the task
        ref = parse_ref(f"{base} {match['ref']}")
    return (
        Complete(ref, confident=False) if ref and (ref.words or ref.numbers or ref.last) else None
    )


@STATUS.rule(
    r"^(?P<ref>.+?)\s+(?:(?:is|are|'s|’s)\s+(?:now\s+|already\s+|finally\s+)?(?:out|in|up|away|back)|"
    r"(?:went|has\s+gone|have\s+gone)\s+(?:out|off))$"
)
def _particle_state(match: re.Match[str], now: datetime) -> Intent | None:
    """ "the recycling is out", "the report is in" — the task about it is done."""
    ref = parse_ref(match["ref"])
    return Complete(ref, confident=False) if ref and ref.words else None


@STATUS.rule(
    r"^(?P<ref>(?:\S+\s+){0,4}?\S+)\s+(?P<verb>[a-z]+ed|paid|bought|sent|done|made)"
    r"(?:\s+(?:now|already|today|finally|at\s+last))?$"
)
def _bare_deed(match: re.Match[str], now: datetime) -> Intent | None:
    """ "gym membership renewed", "rent paid" — a short note that something got done."""
    verb = match["verb"].lower()
    if verb in _NOT_DEEDS or not is_past_tense(verb) or re.match(r"(?:i|we)\b", match["ref"]):
        return None
    ref = _deed_ref(verb, match["ref"])
    return Complete(ref, confident=False) if ref and ref.words else None


@STATUS.rule(
    r"^(?P<who>(?:(?:i|we)(?:'ve|’ve|ve)?\s+)?(?:(?:just|finally|already|have|'ve|ve|has|also|"
    r"totally|actually|"
    r"successfully)\s+)*)(?P<verb>[a-z]+)\s+(?P<rest>.+)$",
)
def _deed(match: re.Match[str], now: datetime) -> Intent | None:
    """ "i bought the milk", "finally paid the rent" — a past deed names a task done."""
    verb = match["verb"].lower()
    if verb in _NOT_DEEDS or not is_past_tense(verb):
        return None
    if verb in _SAME_IN_PAST and not match["who"].strip():
        return None
    rest = regex(_WHEN_DONE + "$").sub("", match["rest"])
    if regex(r"\s(?:wrong|wrongly|incorrectly|by\s+(?:mistake|accident))$").search(rest):
        return None  # "i typed 4 wrong": an admission, no deed
    ref = _deed_ref(verb, rest)
    return Complete(ref, confident=False) if ref and (ref.words or ref.numbers) else None


@STATUS.rule(
    r"^(?:delete|del|remove|rm|drop|trash|erase|scrap|scratch|kill|nuke|ditch|toss|bin|"
    r"get\s+rid\s+of|throw\s+out|throw\s+away|axe|cancel|forget(?:\s+about)?|discard|purge|"
    r"wipe|eliminate|take\s+off)\b\s*(?P<ref>.+?)" + _OFF_LIST + "$",
    r"^(?:take|strike|remove|drop|scratch)\s+(?P<ref>.+?)\s+(?:off|from|out\s+of)\s+(?:my|the)\s+"
    + LIST_NOUN
    + "$",
    r"^(?:never\s?mind|nvm|nevermind)\s+(?:about\s+)?(?P<ref>.+)$",
    r"^(?P<ref>.+?)\s+(?:can|should|must|needs\s+to|may)\s+(?:be\s+)?(?:go|deleted|removed|"
    r"dropped|cancelled|canceled|scrapped|trashed|binned)$",
    r"^(?P<ref>.+?)\s+(?:isn'?t|aren'?t|is\s+not|are\s+not)\s+(?:needed|necessary|happening|"
    r"relevant|required)(?:\s+(?:anymore|any\s+more|after\s+all))?$",
    r"^(?P<ref>.+?)\s+(?:is|are|was|got|has\s+been)\s+(?:no\s+longer\s+(?:needed|necessary|"
    r"relevant|happening)|not\s+(?:needed|necessary|happening|relevant)(?:\s+anymore)?|"
    r"cancelled|canceled|called\s+off|irrelevant|obsolete|off|off\s+the\s+table|scrapped|"
    r"not\s+a\s+thing)(?:\s+anymore)?$",
)
def _delete(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Delete(ref) if ref else None


@STATUS.rule(
    r"^(?:(?:i|we)\s+)?(?:don't|do\s+not|dont|no\s+longer|won't|will\s+not)\s+(?:need|have|want|"
    r"gotta)\s+(?:to\s+)?(?P<ref>.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?$",
    r"^no\s+need\s+(?:to\s+|for\s+)?(?P<ref>.+?)(?:\s+(?:anymore|any\s+more))?$",
)
def _no_longer(match: re.Match[str], now: datetime) -> Intent | None:
    ref = task_ref(match)
    return Delete(ref, confident=False) if ref else None
