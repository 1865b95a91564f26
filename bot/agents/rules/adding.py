"""Reading new tasks out of a message: title, details, priority, due date, and lists of tasks.

The steps, in order: a list header ("these:", one per line, "a; b; c") splits the message
into items; details are cut off at a note marker or a colon; priority and date phrases leave
the title; a comma list ("milk, eggs and bread") splits only when every piece is short and
looks like a task, so "write pros and cons list" stays one title.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from bot.agents.rules.intents import NewTask
from bot.agents.rules.lexicon import ACTION_VERBS, regex
from bot.agents.rules.priority import find_priority
from bot.agents.rules.reminding import timing_of_new_task
from bot.agents.rules.when import find_due
from bot.dates.lazy import LazyPattern
from bot.tasks import Priority

_LIST_HEADER = LazyPattern(
    r"^(?:(?:these|those|the\s+following|following|both|a\s+few\s+(?:new\s+)?(?:things|tasks|ones)|"
    r"some\s+(?:new\s+)?(?:things|tasks|ones)|(?:these|the\s+following|some|a\s+few|my|multiple|several|both|"
    r"\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:tasks|items|todos|to-?dos|"
    r"things|reminders))\b(?P<rest>[^:\n]*)[:\n-]\s*)",
    re.IGNORECASE,
)
_QUOTED = LazyPattern(
    r"^\s*[\"“”'‘’`](?P<title>[^\"“”`]+?)[\"“”'‘’`](?=\s|$|[,.;:!?])(?P<rest>.*)$", re.DOTALL
)
_BULLET = LazyPattern(r"^\s*(?:[-*•·◦▪+]|\d{1,2}[.)]|\[\s?\])\s*")
_NOTE_MARKER = LazyPattern(
    r"\s*(?:[(\[]\s*|[,.;]\s*|\s[-–—]+\s*|[-–—]+\s*)?\b(?:notes?|details?|description|desc|"
    r"info|fyi|nb|p\.?s\.?|comment)\s*[:\-–—]\s*"
    r"|\s*[,.;]?\s+with\s+(?:a\s+|the\s+|some\s+)?(?:notes?|details?|description|comment)"
    r"\s*(?:[:\-–—]|saying|that\s+says|of)?\s*"
    r"|\s+[-–—]+\s+(?:notes?|details?)\b\s*",
    re.IGNORECASE,
)
# A colon followed by a space, not inside a clock time or "1:1".
_COLON = LazyPattern(
    r"(?<!\d)(?<!\bre)(?<!\bfw)(?<!\bfwd):(?=\s)|(?<=\D)(?<!\bre):(?=\D)", re.IGNORECASE
)
_IN_SYMBOLS = LazyPattern(r"[{}$<>=/\\\[\]@]\S*$")
_SETTING_LABEL = LazyPattern(
    r"\b(?:priority|prio|pri|due|deadline|due\s+date|date|when)\s*$", re.IGNORECASE
)
_SENTENCE = LazyPattern(r"(?<![A-Z][a-z])(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.\s+(?=\S)")
_ABBREVIATION = LazyPattern(r"\b(?:dr|mr|mrs|ms|st|vs|jr|sr|no|approx|appt|dept)$", re.IGNORECASE)
_DANGLING = LazyPattern(
    r"(?:^|\s)(?:by|on|at|due|until|till|before|from|and|for|to|around|starting|this|next|"
    r"with|instead|too|as\s+well|also)$|^(?:to|and|also|then)\s",
    re.IGNORECASE,
)
_CONNECTOR_ONLY = LazyPattern(r"^[\s,.;:!?()\[\]&+–—-]*$")
_ASIDE = LazyPattern(
    # a laugh or a reason starts an aside even without a comma ("… lol the front ones are bald")
    r"\s+(?=(?:lol|lmao|rofl|haha\w*|hehe\w*|because|cuz|coz|bc|btw|fyi)\b)|"
    r"\s*\((?=(?:it|it'?s|they|they'?re|we|i|i'?m|he|he'?s|she|she'?s|because|since|cause|"
    r"cuz)\b)|"
    r"\s*(?:[,;]|[!?]+|\.(?=\s))\s+(?=(?:we'?re|i'?m|it'?s|they'?re|she'?s|he'?s|there'?s|that'?s|we|i|it|they|"
    r"because|since|cause|cuz|as\s+(?:i|we)|so\s+(?:i|we|that)|otherwise|or\s+else)\b)",
    re.IGNORECASE,
)
# "fix the chair - glue is in the drawer": after a dash, a clause with its own verb is detail.
_DASH_ASIDE = LazyPattern(
    r"\s+[-–—]\s+(?=[\w'’]+(?:\s+[\w'’]+){0,3}\s+(?:is|are|was|were|has|have|needs?|"
    r"should|must|can|will)\b|(?:it|they|we|i|that|he|she)(?:['’](?:s|re|m|ve|ll)|\s+(?:is|are|"
    r"was|were|has|have|had))\b)",
    re.IGNORECASE,
)
_SENTENCE_STARTS = LazyPattern(
    r"^(?:then|but|so|because|cause|since|which|that|who|if|when|or|and\s+then|before|after|"
    r"it|he|she|they|we|i|you|is|are|was|as|also)\b",
    re.IGNORECASE,
)


def parse_tasks(
    body: str, *, now: datetime, plural: bool = False, remind: bool = False
) -> tuple[NewTask, ...]:
    """New tasks in ``body`` (the message without its "add" words); empty when there is none."""
    body = re.sub(r"^:\s*", "", body.strip())
    header = _LIST_HEADER.match(body)
    shared_priority: Priority | None = None
    shared_due: str | None = None
    if header:
        plural = True
        shared_priority, rest = find_priority(header["rest"] or "")
        found, _ = find_due(rest, now=now)
        shared_due = found.value if found else None
        body = body[header.end() :]
    items = _explicit_items(body, plural=plural)
    if len(items) == 1:
        items = _dated_items(items[0], now=now)
    tasks: list[NewTask] = []
    if len(items) > 1:
        for item in items:
            tasks.extend(_one_item(item, now=now, split_commas=False))
    else:
        tasks.extend(
            _one_item(items[0] if items else body, now=now, split_commas=True, plural=plural)
        )
    if shared_priority or shared_due:
        tasks = [
            dataclasses.replace(t, priority=t.priority or shared_priority, due=t.due or shared_due)
            for t in tasks
        ]
    if remind:  # "remind me to …": the due words are also when to remind
        tasks = [dataclasses.replace(t, remind_at=t.remind_at or t.due_phrase) for t in tasks]
    return tuple(t for t in tasks if t.title)


def _dated_items(body: str, *, now: datetime) -> list[str]:
    """ "pick up the parcel today and the checkup on dec 4 at 9am": two tasks, as each side of
    the "and" has a title and a date of its own ("call mom today and tomorrow" stays one)."""
    parts = regex(r"\s*,\s*(?:and\s+)?|\s+and\s+").split(body)
    if not 2 <= len(parts) <= 8 or (len(parts) > 2 and "," not in body):
        return [body]  # "renew passport tmrw, dentist fri 4pm": a comma list, a date each
    for part in sorted(parts, key=len):  # the shortest first: "…, urgent" is no dated item
        found, title = find_due(part, now=now) if " " in part.strip() else (None, "")
        if found is None or not regex(r"\w").search(title):
            return [body]
    return parts


def _explicit_items(body: str, *, plural: bool) -> list[str]:
    lines = [_BULLET.sub("", line).strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1:
        return lines
    text = lines[0] if lines else ""
    if _BULLET.match(body):
        # Bullets on one line ("- mop floors - dust shelves"), as when lines were joined.
        marker = _BULLET.match(body)[0].strip()  # type: ignore[index]
        pieces = [p.strip() for p in _inline_bullets(marker).split(" " + body.strip())]
        pieces = [p for p in pieces if p]
        if len(pieces) > 1:
            return pieces
    quoted = _quoted_items(text)
    if quoted:
        return quoted
    options = [p for p in _AFTER_OPTIONS.split(text) if p.strip()]
    if len(options) > 1 and all(_WITH_OPTIONS.match(p) for p in options[:-1]):
        return options  # "groceries (low) and taxes (high, friday)": options per item
    if ";" in text:
        pieces = [p.strip() for p in text.split(";")]
        # "'; DROP TABLE tasks; --" is one literal title: split only into real words.
        if all(re.search(r"[^\W\d_]{2,}", p) for p in pieces) and (plural or len(pieces) > 1):
            return pieces
    return [text]


_QUOTED_ITEM = LazyPattern(r"[\"“'‘`]([^\"“”'‘’`]+)[\"”'’`]")
_ONLY_JOINERS = LazyPattern(
    r"^[\s,;&+]*(?:(?:and|or|plus)[\s,;&+]*)*(?:please|pls|thanks)?[\s.!]*$", re.I
)
_WITH_OPTIONS = LazyPattern(r"^\s*[^\W\d_][^()]*\([^()]*[^\W\d_][^()]*\)\s*$")
_AFTER_OPTIONS = LazyPattern(r"(?<=\))\s*(?:,\s*(?:and\s+)?|\band\s+|&\s*|;\s*)(?=\S)")


def _quoted_items(text: str) -> list[str]:
    """ "'wash the car' and 'mow the lawn'": two or more quoted titles and only joiners."""
    found = list(_QUOTED_ITEM.finditer(text))
    if len(found) < 2 or not _ONLY_JOINERS.match(_QUOTED_ITEM.sub(" ", text[: found[-1].end()])):
        return []
    # What follows the last quote ("… for saturday") is said of every item.
    tail = text[found[-1].end() :].strip()
    return [f"“{m[1].strip()}” {tail}".strip() for m in found]


def _inline_bullets(marker: str) -> re.Pattern[str]:
    if marker[0].isdigit():
        return re.compile(r"\s+\d{1,2}[.)]\s+")
    return re.compile(r"\s+" + re.escape(marker[0]) + r"\s+")


# "urgent: tomorrow: call mom" is two settings prefixes; more than this many is no task at all
# (and a wall of colons must not recurse once per colon).
_SETTINGS_PREFIXES_MAX = 3


def _one_item(
    text: str, *, now: datetime, split_commas: bool, plural: bool = False, depth: int = 0
) -> list[NewTask]:
    quoted = _QUOTED.match(text)
    if quoted:
        # A quoted title is taken as typed; only what follows the quotes is read.
        literal = quoted["title"]
        priority, rest = find_priority(quoted["rest"])
        found, rest = find_due(rest, now=now)
        _, description = _split_details(rest) if rest.strip() else ("", "")
        return [
            NewTask(literal.strip(), description.strip(), priority, found.value if found else None)
        ]
    title, description = _split_details(text)
    priority, title = find_priority(title)
    title, repeat, lead = timing_of_new_task(title, now=now)
    found, title = find_due(title, now=now)
    if description and (priority is None or found is None):
        # "add call mom: tomorrow, urgent" — the part after the colon may be only settings.
        p2, d_rest = find_priority(description)
        f2, d_rest = find_due(d_rest, now=now)
        if (p2 or f2) and _CONNECTOR_ONLY.match(d_rest):
            priority, found, description = priority or p2, found or f2, ""
    due = found.value if found else None
    aside = _ASIDE.search(title) or _DASH_ASIDE.search(title)
    if aside and not description:
        # "buy dog food, we're almost out": the clause after the comma says why, it is no title.
        title, description = title[: aside.start()], " ".join(title[aside.end() :].split())
        if "(" in aside[0]:  # "(it runs out end of month)": the aside is what the brackets hold
            description = description.removesuffix(")").strip()
    if not clean_title(title) and description and depth < _SETTINGS_PREFIXES_MAX:
        # "important: send the report by thursday" — the words before the colon were only
        # settings; what follows is read as the task, and takes them.
        inner = _one_item(
            description, now=now, split_commas=split_commas, plural=plural, depth=depth + 1
        )
        return [
            dataclasses.replace(t, priority=t.priority or priority, due=t.due or due) for t in inner
        ]
    pieces = _comma_items(title, plural=plural) if split_commas else [title]
    cut = priority is not None or found is not None or repeat is not None or lead is not None
    phrase = found.phrase if found else None
    return [
        NewTask(clean_title(p, cut=cut), description.strip(), priority, due, lead, repeat, phrase)
        for p in pieces
    ]


def _split_details(text: str) -> tuple[str, str]:
    marker = _NOTE_MARKER.search(text)
    if marker and marker.start() > 0:
        details = text[marker.end() :].strip()
        if text[marker.start() : marker.end()].strip().startswith(("(", "[")):
            details = details.rstrip(")] ")
        return text[: marker.start()], details
    for colon in _COLON.finditer(text):
        if _SETTING_LABEL.search(text[: colon.start()]):
            continue  # "prio: high", "due: friday" are settings, not details
        if _IN_SYMBOLS.search(text[: colon.start()]) and not text[colon.end() :][:1].isspace():
            continue  # "${jndi:ldap://x}", "http://…": part of what was typed
        if colon.start() > 0 and text[colon.end() :].strip():
            return text[: colon.start()], text[colon.end() :].strip()
        break
    for sentence in _SENTENCE.finditer(text):
        before = text[: sentence.start()]
        if len(before.split()) >= 2 and not _ABBREVIATION.search(before):
            return before, text[sentence.end() :].strip()
    return text, ""


def _comma_items(title: str, *, plural: bool = False) -> list[str]:
    text = re.sub(r"\s+", " ", title).strip(" ,")
    if "," in text:
        pieces = [p.strip() for p in re.split(r",", text)]
        last = pieces[-1]
        tail = re.split(r"\s+(?:and|&|\+)\s+|^(?:and|&)\s+", last)
        pieces = [p for p in pieces[:-1] + [t.strip() for t in tail] if p]
        if _looks_like_list(pieces):
            return pieces
        return [text]
    halves = [h for h in re.split(r"\s+(?:and|&|\+)\s+(?:(?:then|also)\s+)?(?:to\s+)?", text) if h]
    if len(halves) >= 2:
        single_words = all(len(h.split()) == 1 for h in halves)
        actions = len(halves) == 2 and all(
            h.split()[0].lower() in ACTION_VERBS and len(h.split()) >= 2 for h in halves
        )
        if (single_words or plural) and _looks_like_list(halves):
            return halves
        if actions and _looks_like_list(halves, max_words=12):
            return halves
    return [text]


def _looks_like_list(pieces: list[str], *, max_words: int = 6) -> bool:
    if len(pieces) < 2 or any(not p for p in pieces):
        return False
    if any(len(p.split()) > 6 or _SENTENCE_STARTS.match(p) for p in pieces):
        return False
    if any(re.search(r"\b(?:it|them|that|this|one)\b", p, re.IGNORECASE) for p in pieces[1:]):
        return False  # "review the draft and send it to legal" is one task
    if len(pieces) == 2 and sum(len(p.split()) for p in pieces) > max_words:
        return False
    return all(re.search(r"[^\W\d_]", p) for p in pieces)


# What is left of "…, this one's urgent" once "urgent" was taken out.
_SAID_OF_IT = LazyPattern(
    r"(?:[,;]\s*|\s[-–—]\s*|\s+)(?:and\s+)?(?:this(?:\s+one)?|that(?:\s+one)?|it)"
    r"(?:['’]s|\s+is|\s+one\s+is)?(?:\s+(?:really|very|super|quite|kinda|pretty))?\s*$",
    re.IGNORECASE,
)


# What is left of "friday latest", "by 5 or so" once the date was taken out.
_AROUND_THE_DATE = LazyPattern(
    r"\s+(?:(?:at\s+the\s+)?(?:latest|earliest)|or\s+so|ish|or\s+earlier|or\s+before)$", re.I
)


def clean_title(text: str, *, cut: bool = False) -> str:
    """A title as typed, without the leftovers of the words taken out of it (``cut``: a date
    or priority was taken out, so a separator left hanging at an end goes too)."""
    title = re.sub(r"\s+", " ", text).strip()
    if cut:
        title = re.sub(r"\(\s*[,;.!]*\s*\)|\[\s*[,;.]*\s*\]", " ", title).strip()
        title = re.sub(r"(?:^|\s)[-–—|/]+\s*$|^\s*[-–—|/]+\s", " ", title).strip()
    for _ in range(4):
        before = title
        title = title.strip(" ,;:–—").rstrip(".!?")
        title = _SAID_OF_IT.sub("", title).strip() if cut else title
        title = _AROUND_THE_DATE.sub("", title).strip() if cut else title
        title = _DANGLING.sub("", title).strip()
        title = re.sub(r"\s+[,;]", ",", title).strip(" ,")
        if title == before:
            break
    quoted = re.fullmatch(r"[\"'“‘`](.+)[\"'”’`]", title)
    if quoted and not re.search(r"[\"“”]", quoted[1]):
        title = quoted[1].strip()
    return title
