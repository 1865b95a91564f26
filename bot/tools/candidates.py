"""Which tasks a reference's words could name, as a filter the stores run in SQL.

Scoring a reference against a task (``bot.tools.matching.score``) costs about a quarter of a
millisecond, so scoring every task of a 10,000-task list would take seconds. Instead each
word becomes a ``Mention``: fragments that any form of the word the matcher accepts contains
— its first three letters (plurals, tenses, stems and longer words that start with it), its
last three (a typo near the start), its synonyms and its irregular past tenses ("bought" for
"buy") — and its weight in the matcher. Only tasks carrying half the reference's weight are
fetched and scored. What the filter cannot see: a typo in both ends of a word, and accented
letters inside a fragment (the matcher folds "crème" to "creme"; SQL does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.tasks import Mention
from bot.tools.matching import _weights
from bot.tools.words import IRREGULAR_PAST, SYNONYMS

# The most candidates a reference is scored against (those naming most of it first): a
# reference that fits more tasks than this is ambiguous anyway.
CANDIDATES_MAX = 200

# The matcher names a task by word forms it relates: the filter must look for all of them.
_SYNONYM_GROUPS: dict[str, frozenset[str]] = {}
for _word, _head in SYNONYMS.items():
    _SYNONYM_GROUPS[_head] = _SYNONYM_GROUPS.get(_head, frozenset()) | {_word}
_PAST_FORMS: dict[str, frozenset[str]] = {}
for _past, _present in IRREGULAR_PAST.items():
    _PAST_FORMS[_present] = _PAST_FORMS.get(_present, frozenset()) | {_past}


def mentions_of(words: Sequence[str]) -> tuple[Mention, ...]:
    """``words`` (``matching.query_words`` of a reference) as filters, with their weights."""
    return tuple(
        Mention(fragments=fragments(word), weight=weight)
        for word, weight in zip(words, _weights(words), strict=True)
    )


@cache
def fragments(word: str) -> tuple[str, ...]:
    """Lower-case substrings one of which every word the matcher takes for ``word`` holds."""
    forms = {word, *_SYNONYM_GROUPS.get(SYNONYMS.get(word, word), ()), *_PAST_FORMS.get(word, ())}
    found: set[str] = set()
    for form in forms:
        if len(form) <= 3:
            found.add(form)
            continue
        found.add(form[:3])
        if len(form) >= 5:  # the matcher forgives a typo only in words of five letters or more
            found.add(form[-3:])
    return tuple(sorted(found))
