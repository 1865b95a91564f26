"""The vocabulary as data (``words.toml``) and the one small builder that reads a table of
phrases as a pattern.

A table is phrases separated by commas. In a phrase a space stands for any run of spaces and
an apostrophe may be left out ("whats up"); anything else is regular-expression syntax, for
the few phrases that need it ("haha+", "tasks?", "(?:so )?").
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from bot.dates.lazy import LazyPattern


@cache
def vocabulary() -> dict[str, Any]:
    """``words.toml``: phrase tables and fixed wording, read once."""
    return tomllib.loads(resources.files(__package__).joinpath("words.toml").read_text("utf-8"))


def phrases(table: str) -> str:
    """ "hi, what's up" → ``hi|what'?s\\s+up``: the phrases of ``table`` as one alternation."""
    return "|".join(
        re.sub(r"'(?!\?)", "'?", " ".join(phrase.split()).replace(" ", r"\s+"))
        for phrase in table.split(",")
    )


def words(table: str) -> LazyPattern:
    """Any phrase of ``table`` as whole words anywhere in a message (case ignored)."""
    return LazyPattern(rf"\b(?:{phrases(table)})\b", re.IGNORECASE)
