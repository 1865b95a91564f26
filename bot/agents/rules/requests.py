"""Requests that shape a whole message: several requests in one, the whole list at once, and
a message that is itself a new task.

- ``read_requests``: "finish 2 and add call the bank", "make 4 low and push it to next week",
  "1) buy cat food 2) call the vet": the message is cut where a new request starts (a command
  word after "and" / "," / ";" / "then", or a numbered or bulleted item) and every part goes
  through the whole rule table on its own. Only when every part is understood is the message
  read this way.
- ``read_scope``: "all but the rent one are done", "complete everything except 2" — the whole
  list minus the named tasks; never the named tasks alone.
- ``read_implicit_add``: "dentist appointment thursday 3pm", "high prio: call the landlord
  back" — the last rule: a short phrase that is no question and no statement is a new task.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime

from bot.agents.rules.adding import parse_tasks
from bot.agents.rules.intents import (
    AddTasks,
    AllTasks,
    Intent,
    NotUnderstood,
    Several,
    Smalltalk,
    TaskRef,
    joined,
)
from bot.agents.rules.intents import Part as _Part
from bot.agents.rules.lexicon import (
    ACTION_VERBS,
    COMMAND_VERBS,
    ORDINAL_WORDS,
    is_past_tense,
    past_to_present,
    regex,
)
from bot.agents.rules.refs import parse_ref
from bot.agents.rules.when import find_due
from bot.dates.lazy import LazyPattern

_I = re.IGNORECASE
_STARTS = "|".join(
    sorted(
        set(COMMAND_VERBS)
        | {"make", "set", "mark", "put", "bump", "reschedule", "tick", "cross", "x"},
        key=len,
        reverse=True,
    )
)
# Where a new request starts inside a message: after a joining word or mark, a command word.
_JOIN = LazyPattern(
    rf"\s*(?:[,;]\s*(?:and\s+)?(?:then\s+|also\s+)?|\s+(?:and|&)\s+(?:then\s+|also\s+)?|"
    rf"\s+then\s+|\.\s+)(?=(?:(?:can|could|would)\s+you\s+|please\s+|pls\s+)?(?:{_STARTS})\b"
    r"(?!\s+(?:and|or|,)))",
    _I,
)
# Inline items: "1) a 2) b", "1. a 2. b", "• a • b".
_NUMBERED = LazyPattern(r"(?:^|(?<=[\s:]))(\d{1,2}[.)]|[a-h]\))\s+")


def _rank(mark: str) -> int:
    """ "1." → 1, "2)" → 2, "a)" → 1, "b)" → 2, "second," → 2."""
    head = mark.rstrip(".),:").lower()
    if head.isdigit():
        return int(head)
    if len(head) == 1:
        return ord(head) - ord("a") + 1
    return ORDINAL_WORDS.get(head.removesuffix("ly"), 0)


# "first, … second, …": the ordinal words as item marks.
_ORDINAL_MARK = r"(?:^|(?<=[\s:.,]))((?:first|second|third|fourth|fifth)(?:ly)?\s*[,:])\s*"
# A head that says the items are new tasks ("to add:", "new ones", "i need to"): no item is
# read as a change, whatever its first word.
_ADDING_HEAD = r"\b(?:add|new|todo|to-?do|need|have|got|gotta|must|should|remember|forget)\b"
# An item that cannot be a title: a bare state, or a verb and a task number.
_NO_TITLE = r"(?:done|finished|completed?|delete[d]?|removed?)$|[a-z]+\s+#?\d{1,4}(?:\s|$)"
_BATCH_NOUN = r"\b(?:list|stuff|things|ones|tasks|todos|items)\b"


def _each_item(bodies: list[str], *, now: datetime, understand: Understand) -> Intent | None:
    """Items that carry their own command words, each read as a request; an item without
    one is a new task. None unless some item is a change and every item is read."""
    requests: list[_Part] = []
    explicit = True  # every item says "add"
    for body in bodies:
        intent = understand(body)
        if isinstance(intent, AddTasks) and intent.tasks:
            explicit = explicit and intent.confident
            intent = AddTasks(intent.tasks)  # "pick up the prescription": a new task
        if not isinstance(intent, _Part) or (isinstance(intent, AddTasks) and not intent.tasks):
            return None
        if (
            not isinstance(intent, AddTasks)
            and intent.ref.words
            and body.split()[0] in ACTION_VERBS
        ):
            # "b) cancel gym": a task to add when no task is about the gym.
            intent = dataclasses.replace(intent, otherwise=AddTasks(parse_tasks(body, now=now)))
        requests.append(intent)
    adds = [r for r in requests if isinstance(r, AddTasks)]
    if len(adds) == len(requests):
        # "1) add a 2) add b": the tasks without their "add"; else a list of titles as written.
        return AddTasks(tuple(t for r in adds for t in r.tasks)) if explicit else None
    return joined(requests)


_BULLET = LazyPattern(r"(?:^|(?<=[\s:]))[•·▪◦]\s*")
_INTRO = LazyPattern(
    r"^(?:(?:a\s+)?(?:couple|few|some|two|three|four|five)\s+(?:of\s+)?(?:new\s+)?"
    r"(?:things|ones|tasks|todos|items|more)|(?:new\s+)?(?:tasks|todos|items|things)|"
    r"add(?:\s+(?:these|the\s+following|this))?|to\s*do|todo|for\s+today|list)\s*[:\-–—]?\s*$",
    _I,
)
_INTRO_THEN_LIST = LazyPattern(r"^(?P<head>[^:\n]{1,40}):\s*(?P<body>[^\n]+)$")
# "stuff for this week: …", "two quick ones - 1. … 2. …": a short head naming a batch.
_COLLECTIVE = LazyPattern(r"^(?:\w+\s+){0,5}(?:stuff|things|ones|tasks|todos|items|bits)\b", _I)


def _is_intro(head: str) -> bool:
    return head[-1:] in ":-–—" and len(head.split()) <= 6


# "tomorrow i need to 1. … 2. …": a head that says the items are things to do.
_TO_DO_HEAD = LazyPattern(
    r"^(?:(?:i|we)\s+)?(?:(?:still|also|really)\s+)?(?:need|have|got|gotta|want|must|should|"
    r"plan|remember|don'?t\s+forget)(?:\s+to)?(?:\s+do)?\s*[:\-–—]?$",
    _I,
)


def _head_due(head: str, *, now: datetime) -> tuple[bool, str | None]:
    """Whether ``head`` introduces a list of new tasks, and the due date it gives them all."""
    found, rest = find_due(head, now=now)
    rest = rest.strip(" ,")
    if rest and not (_INTRO.match(rest) or _is_intro(rest) or _TO_DO_HEAD.match(rest)):
        return bool(_INTRO.match(head) or _is_intro(head)), None
    return True, found.value if found else None


Understand = Callable[[str], Intent]


def read_items(text: str, *, now: datetime, understand: Understand) -> Intent | None:
    """Inline numbered or bulleted items: each a new task, or each its own request when the
    items carry their own command words ("1) tick off the flu shot 2) add buy stamps")."""
    return _items(text, now=now, understand=understand)


def read_requests(text: str, *, now: datetime, understand: Understand) -> Intent | None:
    """Several requests in one message, each read on its own; None unless all are read."""
    parts = [p for p in _JOIN.split(text) if p and p.strip()]
    if len(parts) < 2 or len(parts) > 8:
        return None
    requests: list[_Part] = []
    for part in parts:
        intent = understand(part.strip())
        for piece in intent.changes if isinstance(intent, Several) else (intent,):
            if not isinstance(piece, _Part):
                return None
            if isinstance(piece, AddTasks) and not (piece.tasks and piece.confident):
                return None  # only an explicit add joins other requests
            requests.append(piece)
    return joined(requests)


# Where one sentence ends and the next starts: ". " "! " "? ", or a comma before a task
# number or "so" ("oops, I marked the wrong one, 2 isn't done yet").
_SENTENCE_END = LazyPattern(
    r"(?<!\b\w)(?<!\b(?:dr|mr|ms|st|vs))(?<!\bmrs|\betc)[.!?]+\s+(?=\S)|"
    r",\s+(?:so\s+)?(?=#?\d{1,4}\s+(?:is|isn'?t|was|wasn'?t|are|'s)\b)",
    _I,
)


def read_sentences(text: str, *, understand: Understand) -> Intent | None:
    """Sentences each read on their own; a sentence no rule reads and that names no task
    number is chatter ("argh my memory is a sieve lately.") and is left out. None unless
    some sentence is a clear request and every other one is such chatter or clear too."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    if not 2 <= len(parts) <= 6:
        return None
    requests: list[_Part] = []
    dropped = False
    for part in parts:
        intent = understand(part)
        for piece in intent.changes if isinstance(intent, Several) else (intent,):
            if isinstance(piece, NotUnderstood | Smalltalk) and not regex(r"\d").search(part):
                dropped = True
                continue
            if not isinstance(piece, _Part) or (isinstance(piece, AddTasks) and not piece.tasks):
                return None
            if isinstance(piece, AddTasks) and not piece.confident:
                return None  # a sentence that only may be a task: chatter, or a title's part
            if dropped and not isinstance(piece, AddTasks) and piece.ref.pronoun:
                return None  # "we kept the old bike. delete that task": the chatter names it
            requests.append(piece)
    return joined(requests) if requests else None


def _items(text: str, *, now: datetime, understand: Understand) -> Intent | None:
    """ "couple of things: 1) … 2) …", "new tasks: • … • …": every item a new task."""
    marks = _marks(text)
    head = text[: marks[0].start()].strip(" .") if marks else ""
    bodies = [
        regex(r"[\s,;.]+(?:and\s+)?(?:then|also|and)?[\s,;.]*$").sub(
            "", text[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(text))]
        )
        for i, m in enumerate(marks)
    ]
    if marks and not regex(_ADDING_HEAD).search(head):
        each = _each_item(bodies, now=now, understand=understand)
        if each is not None:
            return each
    intro = _INTRO_THEN_LIST.match(text)
    if intro and (_INTRO.match(intro["head"]) or _COLLECTIVE.search(intro["head"])):
        tasks = parse_tasks(intro["body"], now=now, plural=True)
        if len(tasks) > 1:
            return AddTasks(tasks)
    listed, shared_due = _head_due(head, now=now) if marks else (False, None)
    # "before I forget, three for the list (1) … (2) …": a short head that says "new" or
    # names a batch introduces items, whatever chatter is around it.
    listed = listed or (
        len(head.split()) <= 8 and bool(regex(rf"{_ADDING_HEAD}|{_BATCH_NOUN}").search(head))
    )
    if not marks or not listed:
        return None
    if any(regex(_NO_TITLE).match(body.strip()) for body in bodies):
        return None  # "1) finished 2) push 5 to friday": requests the rules did not read
    items = [parse_tasks(body, now=now) for body in bodies]
    if any(len(found) != 1 for found in items):
        return None
    return AddTasks(tuple(dataclasses.replace(f[0], due=f[0].due or shared_due) for f in items))


def _marks(text: str) -> list[re.Match[str]]:
    """Where the items start: "1)" "2)", "first," "second,", or two bullets or more."""
    for enumerator in (_NUMBERED, regex(_ORDINAL_MARK)):
        marks = list(enumerator.finditer(text))
        if len(marks) >= 2 and [_rank(m[1]) for m in marks] == list(range(1, len(marks) + 1)):
            return marks
    marks = list(_BULLET.finditer(text))
    if len(marks) < 2 and regex(r"^[-*]\s").match(text):
        # "- buy candles - wrap presents": pasted bullet lines, joined into one
        marks = list(regex(r"(?:^|(?<=\s))[-*]\s+(?=\w)").finditer(text))
    return marks if len(marks) >= 2 else []


_ALL = (
    r"(?:all(?:\s+of)?(?:\s+(?:them|it|my\s+tasks|my\s+todos|the\s+tasks|my\s+stuff|tasks|"
    r"todos|the\s+rest))?|everything|every\s+(?:single\s+)?task|the\s+(?:whole|entire)\s+list)"
)
_EXCEPT = (
    r"(?:except(?:\s+for)?|apart\s+from|aside\s+from|but(?:\s+not)?|other\s+than|besides|"
    r"excluding|save\s+for|minus|bar|barring|not\s+counting|not\s+including|leaving\s+out)"
)
_COMPLETE_WORDS = LazyPattern(
    r"\b(?:done|finished|finish|complete|completed|check(?:ed)?\s+off|tick(?:ed)?\s+off|"
    r"mark(?:ed)?|did|close|tick|check|cross)\b",
    _I,
)
_DELETE_WORDS = LazyPattern(r"\b(?:delete|remove|clear|wipe|erase|drop|scrap|trash|nuke)\b", _I)
_SCOPE = LazyPattern(
    rf"^(?P<lead>(?:i\s+(?:have\s+|'ve\s+)?)?[\w\s']{{0,30}}?)\b{_ALL}\b(?P<tail>.*)$",
    _I,
)
_EXCEPTION = LazyPattern(
    rf"^\s*,?\s*(?:are|is|'s|were)?\s*(?:done|finished|complete|completed|off)?\s*,?\s*{_EXCEPT}\s+"
    r"(?P<refs>.+?)(?P<after>\s+(?:are|is|were)\s+(?:done|finished|complete|completed)|"
    r"\s+(?:as\s+)?(?:done|complete|completed))?$",
    _I,
)


def read_scope(text: str) -> AllTasks | None:
    """The whole list at once, minus the tasks the message leaves out; None otherwise."""
    match = _SCOPE.match(text)
    if match is None or len(match["lead"].split()) > 4:
        return None
    lead, tail = match["lead"], match["tail"]
    completing = bool(_COMPLETE_WORDS.search(lead) or _COMPLETE_WORDS.search(tail))
    deleting = bool(_DELETE_WORDS.search(lead))
    if completing == deleting:
        return None
    if deleting and re.match(r"^\s*(?:the\s+)?(?:completed|done|finished|checked)\b", tail, _I):
        return None  # "remove all completed": the finished ones only
    if lead.strip() and not (_COMPLETE_WORDS.search(lead) or deleting):
        return None  # "buy all the things": a title, not a scope
    excluded: list[TaskRef] = []
    exception = _EXCEPTION.match(tail)
    if exception is not None:
        for piece in re.split(r"\s*(?:,|\band\b|&)\s*", exception["refs"]):
            ref = parse_ref(piece)
            if ref is None or ref.pronoun:
                return None
            excluded.append(ref)
    elif re.search(rf"\b{_EXCEPT}\b", tail, _I) or not re.fullmatch(
        r"\s*(?:(?:are|is|'s)\s+)?(?:as\s+)?(?:done|finished|complete|completed|off)?\s*"
        # "everything's done, tick it all off": the same request said twice.
        r"(?:[,.;]\s*(?:so\s+)?(?:tick|check|cross|mark|clear)\s+(?:it|them)\s+(?:all\s+)?(?:off|done))?",
        tail,
        _I,
    ):
        return None
    return AllTasks("delete" if deleting else "complete", tuple(excluded))


_LABEL_THEN_LIST = LazyPattern(r"^(?P<head>[^:\n\d]{1,40}):\s*(?P<body>.+)$", re.DOTALL)


def read_label_list(text: str, *, now: datetime) -> AddTasks | None:
    """ "groceries: eggs, oat milk", "for the trip i need: a; b": a short label (a date it
    gives every item, no verb of a request) and a list of two or more short titles."""
    label = _LABEL_THEN_LIST.match(text)
    found, head = find_due(label["head"], now=now) if label else (None, "")
    if not label or not 0 < len(head.split()) <= 5 or head.split()[0].lower() in ACTION_VERBS:
        return None
    tasks = parse_tasks(label["body"], now=now, plural=True)
    if len(tasks) < 2 or any(len(t.title.split()) > 6 or t.description for t in tasks):
        return None
    due = found.value if found else None
    return AddTasks(tuple(dataclasses.replace(t, due=t.due or due) for t in tasks))


_QUESTION = LazyPattern(
    r"^(?:what|when|where|why|how|who|which|is|are|was|were|do(?!\s+(?:the|a|an|my)\b)|does|"
    r"did|can|could|should|"
    r"would|will|have|has|am|i|i'm|im|it|it's|its|this|that|there|they|we|you|my|no|not|yes|"
    r"ok|okay|hmm|lol)\b|\?",
    _I,
)
_ABOUT_THE_LIST = LazyPattern(r"\b(?:my|the)\s+(?:list|tasks|todos|to-?dos|task\s+list)\b", _I)
# Words a sticky note does not use: the bot or oneself as a person, a reference to a task.
_NOT_A_NOTE = LazyPattern(
    r"\b(?:i|i'm|im|i've|you|you're|your|u|hope|wish)\b|[✅✔☑]|"
    r"\bthe\s+\w+(?:\s+\w+)?\s+(?:thing|one|task|item)\b|"
    # "instead", "still": said of a task already on the list, never a new one.
    r"\b(?:instead|still)\b",
    _I,
)
_NOT_TITLE_STARTS = frozenset(
    [*COMMAND_VERBS, "x", "search", "find", "push", "bump", "make", "set", "mark", "uncheck"]
)
_WORDS_FIRST = LazyPattern(r"^[A-Za-z][\w'’-]*(?:\s*[:\-–—])?\s+[A-Za-z0-9]")
_PROSE = LazyPattern(r"[\w\s'’,.:-]")
_STATEMENT = LazyPattern(
    r"\s(?:is|are|was|were|isn't|aren't|wasn't|got|has|have|can|can't|could|will|won't|would|"
    r"should|must|does|doesn't|don't|didn't|need|needs)\s",
    _I,
)


_OBLIGATION = LazyPattern(
    r"^\w+(?:\s+\w+){0,4}\s+(?:needs|has|have|must|should)\s+(?:to\s+)?\w", _I
)


def _is_deed(word: str) -> bool:
    """A past tense that is no present form too ("paid", "dealt"; not "read", "set")."""
    word = word.strip(".,!").lower()
    return is_past_tense(word) and past_to_present(word) != word


def read_implicit_add(text: str, *, now: datetime, command_first: bool = False) -> AddTasks | None:
    """A short phrase that reads as a new task on a sticky note, without an add word.

    A phrase that starts with one of the bot's own command words ("complete 0", "push the
    dentist an hour later") is a request the rules did not read, never a task — unless
    ``command_first``: a change was read and its words fit no task ("move the car to the
    garage friday").
    """
    words = text.split()
    if not command_first and words and words[0].lower() in _NOT_TITLE_STARTS:
        return None
    if not 2 <= len(words) <= 14 or _QUESTION.search(text):
        return None
    statement = _STATEMENT.search(f" {text} ")
    if statement and not (_OBLIGATION.search(text) and find_due(text, now=now)[0]):
        return None  # "the invoice needs to go out friday" is a task; other statements aren't
    if _ABOUT_THE_LIST.search(text) or re.search(r"\b(?:of|to|for)\s+#?\d{1,4}\b", text):
        return None  # "shw me my list", "change the time of 1 to 11am": about the list
    if _NOT_A_NOTE.search(text) or _is_deed(words[-1]) or _is_deed(words[0]):
        return None  # talk to the bot, "the cat thing", "gym membership cancelled", "sorted x"
    if not _WORDS_FIRST.match(text) or len(_PROSE.findall(text)) < 0.85 * len(text):
        return None  # code, JSON, symbols: not something written on a sticky note
    tasks = parse_tasks(text, now=now)
    if len(tasks) != 1 or tasks[0].description:
        return None  # a sticky note has a title (and a date or priority), no details
    return AddTasks(tasks, confident=False)
