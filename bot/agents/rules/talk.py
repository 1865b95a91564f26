"""Messages that are not about one task: greetings, thanks, help, undo, the timezone."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from bot.agents.rules.intents import Intent, SetTimezone, Smalltalk, Undo
from bot.agents.rules.phrasebook import phrases, vocabulary
from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE


# Whole messages that ask for no change, by kind, in the order of ``words.toml``.
_WORDS = vocabulary()
_KIND = LazyPattern(
    "^(?:"
    + "|".join(
        rf"(?P<{kind}>(?:{phrases(table)})(?:\s+(?:{phrases(_WORDS['small_talk']['tail'])}))*$)"
        for kind, table in _WORDS["small_talk"]["kinds"].items()
    )
    + ")",
    _I,
)
_HELP = LazyPattern(rf"^(?:{phrases(_WORDS['help']['phrases'])})\s*$", _I)
_UNDO = LazyPattern(
    r"^(?:oops[\s,!.]*)?(?:undo|undo\s+(?:that|this|it|(?:the\s+)?last(?:\s+(?:change|one|thing|"
    r"action|step))?|my\s+last(?:\s+(?:change|action|message|one|step))?|what\s+you\s+just\s+did)|"
    r"revert(?:\s+(?:that|it|this|the\s+last(?:\s+change)?|my\s+last\s+change))?|"
    r"(?:undo|revert|reverse)\s+(?:the\s+|my\s+|that\s+)?(?:last\s+)?(?:delete|deletion|change|"
    r"edit|add|addition|completion|update|move|rename)|"
    r"take\s+(?:that|it)\s+back|ctrl\s*\+?\s*z|reverse\s+(?:that|it|the\s+last\s+change)|"
    r"scratch\s+that|cancel\s+(?:that|the\s+last\s+(?:one|change))|roll\s*back(?:\s+that)?|"
    r"put\s+it\s+back(?:\s+the\s+way\s+it\s+was)?|that\s+was\s+(?:a\s+)?(?:wrong|mistake)|"
    r"(?:no\s+)?(?:wait\s+)?(?:that'?s|that\s+is)\s+(?:wrong|not\s+what\s+i\s+(?:meant|wanted)))$",
    _I,
)
_CLOCK = LazyPattern(
    r"^(?:what'?s|what\s+is|whats)\s+(?:the\s+)?(?:date|time|day)(?:\s+(?:today|now|is\s+it))?|"
    r"^what\s+(?:day|date|time)\s+is\s+(?:it|today)(?:\s+today)?|^what'?s\s+today'?s\s+date|"
    r"^(?:what\s+)?(?:day|date)\s+today$",
    _I,
)
_HOW_DO_I = LazyPattern(
    r"^(?:how\s+(?:do|can|would|should|could)\s+(?:i|we|you)|how\s+to|can\s+i|could\s+i|"
    r"is\s+it\s+possible\s+to|is\s+there\s+a\s+way\s+to|what'?s\s+the\s+way\s+to|"
    r"what\s+(?:do|should|can)\s+i\s+(?:type|say|write|use|send)|what'?s\s+the\s+(?:command|"
    r"syntax)|help\s+(?:me\s+)?(?:with|on|about)?|tell\s+me\s+how\s+to|explain\s+how\s+to|"
    r"do\s+you\s+(?:know\s+how\s+to|understand))\b\s*(?P<topic>.*)$",
    _I,
)
_CAN_YOU = LazyPattern(
    r"^(?:can|could|do|does|will|would)\s+(?:you|u|it|this(?:\s+bot)?|the\s+bot|todobot)\s+"
    r"(?:also\s+|even\s+)?(?P<topic>.+)$",
    _I,
)
_GENERIC = frozenset(_WORDS["help"]["generic"].split())
_TOPICS = (
    ("dates", r"\b(?:due|date|deadline|when|remind|time|tomorrow|schedule|recurr|repeat)"),
    ("priority", r"\b(?:priorit|urgent|important|prio)"),
    ("delete", r"\b(?:delete|remove|drop|get\s+rid|clear)"),
    ("list", r"\b(?:list|show|see|view|filter|overdue)"),
    ("complete", r"\b(?:done|complete|finish|check\s+off|tick)"),
    ("undo", r"\b(?:undo|revert|mistake)"),
    ("timezone", r"\b(?:time\s*zone|tz)\b"),
    ("update", r"\b(?:edit|change|rename|move|update|postpone|reschedule|note|detail|descri)"),
    ("add", r"\b(?:add|create|new|make|put)"),
)

_TIMEZONE = (
    LazyPattern(r"^(?:my\s+)?(?:time\s*zone|tz)\s*(?:is|=|:|to|should\s+be)?\s*(?P<tz>.+)$", _I),
    LazyPattern(
        r"^(?:set|change|update|switch|make|use)\s+(?:my\s+|the\s+)?(?:time\s*zone|tz)"
        r"\s*(?:to|=|:|as)?\s*(?P<tz>.+)$",
        _I,
    ),
    LazyPattern(
        r"^(?:i'?m|i\s+am|im|i\s+live|i'?m\s+now|i\s+moved|we'?re|we\s+are|i'?m\s+based|"
        r"i\s+am\s+based|i'?m\s+currently|i\s+just\s+moved)\s+(?:now\s+)?(?:in|to|at|"
        r"based\s+in|living\s+in|located\s+in|on)\s+(?P<tz>.+?)(?:\s+(?:now|time|"
        r"timezone|time\s+zone|these\s+days))?$",
        _I,
    ),
    LazyPattern(
        r"^(?:use|switch\s+to|go\s+by|set\s+to)\s+(?P<tz>.+?)\s+(?:time|timezone|"
        r"time\s+zone)$",
        _I,
    ),
)
# Names people use for a zone that are no IANA zone's last part ("nyc", "pst", "germany").
_ABBREVIATIONS = {
    name.strip(): zone for zone, names in _WORDS["zones"].items() for name in names.split(",")
}


@cache
def _zones() -> dict[str, str]:
    """Lower-cased IANA names and their last parts ("berlin") → the IANA name."""
    names: dict[str, str] = {}
    for name in sorted(available_timezones()):
        names[name.lower()] = name
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            city = name.rsplit("/", 1)[1].replace("_", " ").lower()
            names.setdefault(city, name)
    names.update(_ABBREVIATIONS)
    return names


def timezone_name(text: str) -> str | None:
    """The IANA zone ``text`` names ("Europe/Berlin", "berlin", "PST"), or None."""
    key = re.sub(r"\s+", " ", text.strip(" .!?\"'`")).lower()
    key = re.sub(r"^(?:the\s+)?", "", key)
    if not key or len(key) > 40:
        return None
    offset = re.fullmatch(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::00)?", key)
    if offset and int(offset[2]) <= 14:
        # IANA's fixed-offset zones count the other way round: UTC+2 is Etc/GMT-2.
        sign = "-" if offset[1] == "+" else "+"
        return f"Etc/GMT{sign}{int(offset[2])}" if int(offset[2]) else "UTC"
    return _zones().get(key) or _zones().get(key.replace(" ", "_"))


def read_talk(text: str, *, question: bool) -> Intent | None:
    """Small talk, help, undo or a timezone change in ``text``; None for anything else."""
    text = text.rstrip("!?. ")
    if _UNDO.match(text):
        return Undo()
    for pattern in _TIMEZONE:
        match = pattern.match(text)
        if match:
            zone = timezone_name(match["tz"])
            if zone:
                return SetTimezone(zone)
            if pattern is not _TIMEZONE[2]:
                return Smalltalk("help", topic="timezone")
    if _CLOCK.match(text):
        return Smalltalk("today")
    kind = _KIND.match(text)
    if kind:
        return Smalltalk(kind.lastgroup)  # type: ignore[arg-type]
    if _HELP.match(text) or not text:
        return Smalltalk("help")
    how = _HOW_DO_I.match(text)
    if how:
        return Smalltalk("help", topic=help_topic(how["topic"]))
    can = _CAN_YOU.match(text)
    if can and question and _is_generic(can["topic"]):
        return Smalltalk("help", topic=help_topic(can["topic"]))
    return None


def _is_generic(text: str) -> bool:
    words = re.findall(r"[a-z][a-z'-]*", text.lower())
    return bool(words) and all(w in _GENERIC for w in words)


def help_topic(text: str) -> str:
    for topic, pattern in _TOPICS:
        if re.search(pattern, text, _I):
            return topic
    return ""
