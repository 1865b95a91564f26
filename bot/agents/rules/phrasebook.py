"""Tables of phrases read as patterns: the vocabulary as data, and one small builder.

A table is phrases separated by commas. In a phrase a space stands for any run of spaces and
an apostrophe may be left out ("whats up"); anything else is regular-expression syntax, for
the few phrases that need it ("haha+", "tasks?", "(?:so )?").
"""

from __future__ import annotations

import re

from bot.dates.lazy import LazyPattern


def phrases(table: str) -> str:
    """ "hi, what's up" → ``hi|what'?s\\s+up``: the phrases of ``table`` as one alternation."""
    return "|".join(
        re.sub(r"'(?!\?)", "'?", " ".join(phrase.split()).replace(" ", r"\s+"))
        for phrase in table.split(",")
    )


def words(table: str) -> LazyPattern:
    """Any phrase of ``table`` as whole words anywhere in a message (case ignored)."""
    return LazyPattern(rf"\b(?:{phrases(table)})\b", re.IGNORECASE)
