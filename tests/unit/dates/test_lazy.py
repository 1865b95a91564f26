"""The date grammar's patterns compile on first use and answer as ``re`` patterns do."""

from __future__ import annotations

import re

from bot.dates.lazy import LazyPattern


def test_a_lazy_pattern_answers_like_the_compiled_one() -> None:
    source, text = r"(?P<n>\d+)\s*(?P<unit>days?)", "in 3 days or 10 days"
    lazy, compiled = LazyPattern(source, re.IGNORECASE), re.compile(source, re.IGNORECASE)
    assert lazy.search(text)[0] == compiled.search(text)[0] == "3 days"  # type: ignore[index]
    assert lazy.match(text) is None and compiled.match(text) is None
    assert lazy.match(text, 3)["n"] == "3"  # type: ignore[index]
    assert lazy.fullmatch("10 DAYS")["unit"] == "DAYS"  # type: ignore[index]
    assert [m["n"] for m in lazy.finditer(text)] == ["3", "10"]
    assert lazy.compiled is lazy.compiled  # compiled once
    assert lazy.sub(r"\g<n>d", text) == compiled.sub(r"\g<n>d", text) == "in 3d or 10d"
    assert lazy.split(text) == compiled.split(text)
    assert lazy.findall(text) == [("3", "days"), ("10", "days")]
    assert lazy.pattern == source
