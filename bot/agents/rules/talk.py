"""Messages that are not about one task: greetings, thanks, help, undo, the timezone."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from bot.agents.rules.intents import Intent, SetTimezone, Smalltalk, Undo
from bot.agents.rules.phrasebook import phrases
from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE


# Whole messages that ask for no change, by kind, tried in this order; each may end with
# words of the tail ("thanks so much", "hi there bot").
_TAIL = """there, all, everyone, bot, todobot, team, friend, buddy, mate, man, again, so much,
    a lot, a bunch, very much, guys, folks, y'all, today, for now, now, for that, for the help,
    for your help, dude, pal, lol, haha"""
_SMALL_TALK = {
    "greeting": """hi, hello, helo, hey, heya, hiya, yo, howdy, sup, what's up, wassup,
        good morning, good afternoon, good evening, good day, gm, morning, evening, afternoon,
        greetings, hola, bonjour, hallo, moin, salut, ciao, hey hey, i'm back, back again,
        happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|holidays),
        happy new year, happy birthday, long time no see""",
    "thanks": """thanks, thank you, thank u, thx, thnx, ty, tysm, tyvm, cheers, many thanks,
        much appreciated, appreciate it, i appreciate it, great, awesome, perfect, nice, cool,
        sweet, brilliant, excellent, amazing, wonderful, love it, good job, well done, nice one,
        good bot, you're (?:the best|awesome|great|amazing|a star), great job, lovely, fantastic,
        neat, super, good stuff""",
    "bye": """bye, goodbye, good bye, bye bye, good night, goodnight, gn, night, see you, see ya,
        see you later, later, cya, ttyl, take care, have a good (?:one|day|night|weekend)""",
    "how_are_you": """how are you(?: doing)?, how r u, how are u, how's it going,
        how is it going, how have you been, how's your day, you ok, are you ok, how do you do,
        what's new""",
    "who": """who are you, what are you, what is this, what's this, who is this,
        are you (?:a )?(?:bot|robot|human|real|ai|person|chatgpt|gpt), what's your name,
        what is your name, who made you, tell me about yourself, introduce yourself""",
    "ack": """ok, okay, k, kk, okie, okey, got it, sounds good, alright, all right, sure, yes,
        yeah, yep, yup, no, nope, nah, fine, lol, lmao, haha+, hehe+, hm+, nevermind, never mind,
        nvm, nothing, test, testing, ping, understood, noted, right, wow, oh, ah, ahh, oops,
        whatever, idk, maybe, of course, indeed, sorry, my bad, no worries, no problem, np, brb,
        that's all, that's it, all good, i love you, love you, you're funny, that's funny,
        interesting, hmm ok, i'm (?:so )?(?:tired|bored|busy|stressed|done for (?:today|the day)),
        ok cool, cool cool, good, great thanks, ok thanks, i see""",
}
_KIND = LazyPattern(
    "^(?:"
    + "|".join(
        rf"(?P<{kind}>(?:{phrases(words)})(?:\s+(?:{phrases(_TAIL)}))*$)"
        for kind, words in _SMALL_TALK.items()
    )
    + ")",
    _I,
)
_HELP = LazyPattern(
    "^(?:"
    + phrases(
        """help, help me, halp, h, commands, command list, usage, instructions, options, menu,
        manual, docs, guide, tutorial, examples?, how to, info, start, /?help please,
        what (?:can|do|should) (?:you|i|u) (?:do|say|type|ask)(?: (?:here|with you))?,
        what else can you do, how does (?:this|it|that) work, how do (?:you|i) use (?:this|you|it),
        what are (?:the|your) commands, what commands .*, show (?:me )?(?:the )?(?:help|commands),
        i need help, i'm (?:lost|confused), what are you (?:able to|capable of)(?: doing)?,
        what can this (?:bot )?do"""
    )
    + r")\s*$",
    _I,
)
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
# Words that name what the bot can do rather than a particular task.
_GENERIC_WORDS = """
    add set handle do support understand remember remind track manage keep make create use edit
    change delete remove list show sort filter schedule undo reopen complete mark rename move
    take accept work with and or the a an my me of for to in on any also recurring repeat
    repeating due dates date deadlines deadline times time timezones timezone priority
    priorities tasks task todos todo to-dos reminders reminder notes note details description
    descriptions subtasks tags labels lists list things stuff items multiple several many things
    at once several natural language it this that people other users emojis emoji categories
    projects files attachments pictures images recurrence numbers by
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
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
# Names people use for a zone: "zone: name, name, …" (cities that are no IANA zone's last part,
# abbreviations, countries).
_ABBREVIATION_LINES = """
    UTC: utc, z, zulu
    Etc/GMT: gmt
    America/New_York: est, edt, eastern, et, nyc, new york city, boston, washington, miami, atlanta
    America/Chicago: cst, cdt, central, austin, dallas, houston
    America/Denver: mst, mdt, mountain
    America/Los_Angeles: pst, pdt, pacific, pt, sf, san francisco, la, seattle
    Europe/Berlin: cet, cest, germany, munich, hamburg, frankfurt, cologne
    Europe/London: bst, uk, england
    Asia/Kolkata: ist, india, mumbai, delhi, bangalore
    Asia/Tokyo: jst, japan
    Australia/Sydney: aest, aedt
    Europe/Paris: france
    Europe/Madrid: spain
    Europe/Rome: italy
    Europe/Amsterdam: netherlands
    Asia/Shanghai: beijing, china
    America/Sao_Paulo: brazil
    Europe/Dublin: ireland
    Europe/Warsaw: poland
    Europe/Stockholm: sweden
    Europe/Zurich: switzerland
    Europe/Vienna: austria
    Europe/Lisbon: portugal
"""
_ABBREVIATIONS = {
    name.strip(): zone.strip()
    for zone, names in (line.split(":") for line in _ABBREVIATION_LINES.strip().splitlines())
    for name in names.split(",")
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
