"""Cleaning a message before it is read: mentions, emoji, politeness, trailing chatter.

Titles keep the person's own words; what goes is only what never belongs to a request
("hey bot, could you …", "… pls thanks!", "<@U123>", "🎉").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE
_MENTION = LazyPattern(r"<[@#!][\w|.-]+>|^@\w+[\s,:]+", _I)
_INJECTION_LEAD = LazyPattern(
    r"^(?:(?:system|assistant|admin|root|developer|sudo)\s*[:>]\s*|"
    r"(?:please\s+)?(?:ignore|disregard|forget)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?"
    r"(?:previous|prior|above|earlier|preceding|old)?\s*(?:instructions|rules|prompts?|messages|"
    r"context)[\s,.;:!-]*(?:and\s+|then\s+|now\s+)*)+",
    _I,
)
_POLITE_LEAD = LazyPattern(
    r"^(?:(?:he+y+|hi+|hel+o+|yo+|good\s+(?:morning|afternoon|evening)|np|no\s+(?:problem|worries)|kk?|lol|lmao|bro|ok|okay|oh|so|um|uh|erm|well|also|and|alright|right|sure|"
    r"pls|plz|please(?:\s+to)?|kindly|bot|todobot|quick\s+one|one\s+more|another\s+one|btw|oh\s+and|"
    r"hey\s+bot|actually|great|thanks|thx|cool|nice|perfect|now|then|oops|whoops|wait|hmm+|"
    r"sorry|ugh|argh|damn|dang|ah|oh\s+wait|hold\s+on|by\s+the\s+way|also\s+please|omg|"
    r"omfg|oh\s+no|oh\s+god|jeez|geez|welp|ffs|crap|shoot|dammit|yeah|yea|yep|anyway|"
    r"anyways|right\s+so|ok\s+so|so+|a+h+|u+gh+|god|gosh|(?:i\s+)?(?:nearly|almost|totally)\s+forgot|"
    r"what\s+else|let\s+me\s+think|let'?s\s+see|oh\s+right|(?:oh\s+)?i\s+know|man|dude|wow|"
    r"phew|boy|what\s+a\s+(?:day|week|morning|mess|nightmare)|basically|honestly|literally)"
    r"[\s,!.:;-]+)+",
    _I,
)
_ASK_LEAD = LazyPattern(
    r"^(?:(?:can|could|would|will|shall)\s+(?:you|u|ya|we)\s+(?:please\s+|pls\s+|plz\s+|kindly\s+|"
    r"just\s+|quickly\s+|also\s+)*|please\s+(?:to\s+)?|pls\s+|plz\s+|kindly\s+|"
    r"i'?d\s+like\s+(?:you\s+)?to\s+|i\s+would\s+like\s+(?:you\s+)?to\s+|"
    r"i\s+(?:want|need|would\s+like)\s+(?:that\s+)?(?:you|u)\s+(?:to\s+)?|let'?s\s+|go\s+ahead\s+and\s+|just\s+|quickly\s+|"
    r"(?:you\s+)?(?:can|could)\s+you\s+|you\s+(?:can|could|may)\s+(?:now\s+|go\s+ahead\s+and\s+)?)+",
    _I,
)
_TRAIL = LazyPattern(
    r"(?:[\s,]+(?:(?:&|and)\s+)?(?:please|pls|plz|thanks(?:\s+(?:a\s+lot|so\s+much|a\s+bunch|a\s+million|heaps|"
    r"loads|again|in\s+advance|mate))?|thank\s+you(?:\s+(?:so|very)\s+much)?|thank\s+u|thx|ty|tysm|"
    r"tia|kthx|lol|cheers|ily|love\s+(?:you|u)|xo+|many\s+thanks|much\s+appreciated|appreciate\s+it|for\s+me|"
    r"if\s+you\s+can|if\s+possible|when\s+you\s+can|real\s+quick|i\s+guess|i\s+suppose|"
    r"when\s+you\s+(?:get|have)\s+a\s+(?:sec|second|minute|moment|chance))\b!*|"
    r"\s*,\s*(?:finally|at\s+last|yay|phew|whew|woo+hoo+|hooray|thank\s+god)\b|"
    r"\s*(?:(?<!!)!(?!!)|\?+|\.{1,3}|:\)|:-\)|:D))+$",
    _I,
)
# Verbs that start a request. A request marker ("can u", "pls") right before one of them, after
# words that hold none of them, ends a lead-in of any wording ("morning ☕ quick one - pls
# delete …", "sorry to bother again, can you remove …"): the lead-in is chatter, whatever it
# says. A verb followed by a pronoun ("…, can you add that") points back at the lead-in, so
# that stays.
_REQUEST_VERBS = (
    r"add|put|mark|tick|check|cross|complete|finish|delete|remove|drop|cancel|show|list|move|"
    r"push|rename|change|set|make|reopen|undo|bump|postpone|reschedule|clear|remind|note"
)
_INNER_REQUEST = LazyPattern(
    r"(?:^|[\s,.!?;:-])((?:(?:can|could|would|will)\s+(?:you|u|ya)|i\s+(?:need|want)\s+(?:you|u)"
    rf"\s+to|pls|plz|please(?:\s+to)?)\s+(?:{_REQUEST_VERBS})\b(?!\s+(?:it|that|this|them|those|these)\b))",
    _I,
)
# What makes words before a request marker a request of their own: a request verb, a deed
# ("finished the essay", "did 2"), a task number, a quote, or a joiner right before the marker
# ("…, also can u add …": a second request, which the clause splitter reads).
_ANY_REQUEST_VERB = LazyPattern(
    rf"\b(?:{_REQUEST_VERBS}|todo|task)s?\b|\b\w+ed\b|\b(?:done|did)\b|\d|[\"“”]|"
    r"\b(?:also|and|plus|then)\W*$",
    _I,
)
_CLAUSE_START = LazyPattern(
    r"\s+(?:ours?|mine|my|it|it'?s|they|they'?re|we|we'?re|i|i'?m|he|she)\b", _I
)
# An emoji, then a request verb: after an exclamation ("ugh", "omg sorry") with no request
# of its own, the words before the emoji were a lead-in ("ugh meetings 😩 just push 2 …").
_EMOJI_THEN_REQUEST = LazyPattern(
    rf"[\U0001f000-\U0001faff\u2600-\u27bf]\ufe0f?\s+(?=(?:just\s+)?(?:{_REQUEST_VERBS})\b)", _I
)
_DONE_MARKS = LazyPattern(r"[✅✔☑🎉🥳]")
_EMOJI = LazyPattern(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u2190-\u21ff\u2300-\u23ff]+"
)

# Explicit words that make the rest of the message a new task.


@dataclass(frozen=True, slots=True)
class Cleaned:
    """``text`` is the request itself; ``asked`` keeps "can you …" for capability questions."""

    text: str
    asked: str
    raw: str
    question: bool
    done_mark: bool


def clean(message: str) -> Cleaned:
    """The message without mentions, emoji, politeness and trailing punctuation."""
    text = _MENTION.sub(" ", message)
    done_mark = bool(_DONE_MARKS.search(text))
    turn = None if text.isascii() else _EMOJI_THEN_REQUEST.search(text)
    if turn and _POLITE_LEAD.match(text) and not _ANY_REQUEST_VERB.search(text, 0, turn.start()):
        text = text[turn.end() :]
    # An emoji between a request and a clause of its own ends a sentence ("… kettle 😭 ours
    # died"); elsewhere it is only decoration.
    text = _EMOJI.sub(lambda m: ". " if _CLAUSE_START.match(text, m.end()) else " ", text)
    # Long runs of one symbol say no more than three ("!!!"), and keep every pattern linear.
    text = re.sub(r"([^\w\s])\1{3,}", r"\1\1\1", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    text = re.sub(r"\n\s*\n+", "\n", text)
    question = text.rstrip().endswith("?")
    raw = text
    for _ in range(3):
        before = text
        text = _INJECTION_LEAD.sub("", text).strip()
        text = _POLITE_LEAD.sub("", text).strip() if not _keeps_lead(text) else text
        text = _strip_trail(text)
        if text == before:
            break
    text = _without_lead_in(text)
    asked = text
    text = _strip_trail(_ASK_LEAD.sub("", text).strip())
    return Cleaned(text=text, asked=asked, raw=raw, question=question, done_mark=done_mark)


def _strip_trail(text: str) -> str:
    # Only the tail can hold "… pls thanks!"; looking at it alone keeps this linear.
    head, tail = text[:-80], text[-80:]
    return (head + _TRAIL.sub("", tail)).strip()


def _keeps_lead(text: str) -> bool:
    # "ok" or "thanks" alone are answers, not politeness around a request.
    return not re.search(r"[\s,!.:;-]\w", text)


def _without_lead_in(text: str) -> str:
    """``text`` from its request marker on, when what comes before holds no request of its own."""
    found = _INNER_REQUEST.search(text)
    if found is None or found.start(1) == 0 or _ANY_REQUEST_VERB.search(text, 0, found.start(1)):
        return text
    return text[found.start(1) :]
