"""Priority phrases ("urgent", "p1", "low prio, no rush", "!!"): find them and cut them out.

Unmistakable phrases count anywhere in a title. Single words that also occur inside ordinary
titles ("important", "low", "whenever") count only where people put a priority: at the start
or end of the task text, or set off by a comma, dash or parenthesis.
"""

from __future__ import annotations

import re

from bot.dates.lazy import LazyPattern
from bot.tasks import Priority

_PRIO = r"(?:priority|prio|pri|prty|priorty|priortiy)"
_VERY = r"(?:(?:very|super|really|extra|quite)\s+)?"

_ANYWHERE: tuple[tuple[Priority, LazyPattern], ...] = tuple(
    (level, LazyPattern(pattern, re.IGNORECASE))
    for level, pattern in (
        (
            Priority.LOW,
            rf"\b{_VERY}(?:low|lowest|lo|minor)[\s-]*{_PRIO}\b|\b{_PRIO}[\s:=]+low\b|"
            # a negated urgency is low, never high ("nothing urgent", "isn't that important")
            r"\b(?:not|nothing|no|never|isn'?t|hardly)\s+(?:that\s+|very\s+|super\s+|too\s+|so\s+)?"
            r"(?:urgent|important|a\s+priority|pressing)\b|\bno\s+rush\b|"
            r"\bno\s+hurry\b|\bnot\s+in\s+a\s+(?:rush|hurry)\b|\bp[345]\b|"
            r"\bwhen(?:ever)?\s+i\s+(?:get|have|find)\s+(?:a\s+|the\s+|some\s+)?"
            r"(?:chance|time|minute|moment)\b|\bif\s+i\s+have\s+time\b|"
            r"\bnice\s+to\s+have\b|\bsome\s?day\b|\bno\s+deadline\s+really\b",
        ),
        (
            Priority.MEDIUM,
            rf"\b(?:medium|normal|mid|med|regular)[\s-]*{_PRIO}\b|"
            rf"\b{_PRIO}[\s:=]+(?:medium|normal|med)\b|\bp2\b",
        ),
        (
            Priority.HIGH,
            rf"\b{_VERY}(?:high|highest|hi|top|urgent|max)[\s-]*{_PRIO}\b|"
            rf"\b{_PRIO}[\s:=]+(?:high|urgent|top|hi)\b|\bp[01]\b|\basap\b|"
            rf"\ba\.s\.a\.p\.?|\b{_VERY}urgent(?:ly)?\b|\bcritical\b|\bvery\s+important\b|"
            r"\bsuper\s+important\b|\btop\s+of\s+(?:the|my)\s+list\b|"
            r"(?<![!\w])!{2,}(?!\w)|\bimportant\s*!+|\bhigh\s+importance\b|"
            r"\bmake\s+it\s+(?:a\s+)?(?:high|urgent)\b|\bit'?s\s+(?:urgent|important)\b|"
            r"\b(?:a|top)\s+priority\b",
        ),
    )
)

# Single words that are a priority only at an edge of the text or set off by punctuation.
_EDGE_WORDS = {
    "important": Priority.HIGH,
    "urgent": Priority.HIGH,
    "high": Priority.HIGH,
    "pressing": Priority.HIGH,
    "low": Priority.LOW,
    "whenever": Priority.LOW,
    "eventually": Priority.LOW,
    "someday": Priority.LOW,
    "optional": Priority.LOW,
    "medium": Priority.MEDIUM,
    "normal": Priority.MEDIUM,
}
_EDGE = LazyPattern(
    r"(?:^|[,;(\[–—-]|\s-\s)\s*(?P<word>" + "|".join(_EDGE_WORDS) + r")\s*(?=$|[,;)\]–—.!-])",
    re.IGNORECASE,
)
_EDGE_END = LazyPattern(
    r"\s(?P<word>important|urgent|whenever|eventually|low|high)\s*[.!]*$", re.IGNORECASE
)


def find_priority(text: str) -> tuple[Priority | None, str]:
    """The priority named in ``text`` (the first one named wins) and ``text`` without it."""
    found: list[tuple[int, Priority]] = []
    rest = text
    for level, pattern in _ANYWHERE:
        spans = [match.span() for match in pattern.finditer(rest)]
        found += [(start, level) for start, _ in spans]
        rest = _blanked(rest, spans)
    for edge_pattern in (_EDGE, _EDGE_END):
        edge = edge_pattern.search(rest)
        if edge is not None:
            found.append((edge.start("word"), _EDGE_WORDS[edge["word"].lower()]))
            rest = _blanked(rest, [edge.span("word")])
    if not found:
        return None, text
    found.sort(key=lambda pair: pair[0])
    return found[0][1], rest


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span blanked out by spaces of the same length, so that positions
    found later stay comparable."""
    for start, end in reversed(spans):
        text = text[:start] + " " * (end - start) + text[end:]
    return text
