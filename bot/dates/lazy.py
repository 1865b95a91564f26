"""Regular expressions compiled the first time they are used.

The date grammar and the rules agent hold some two hundred patterns, and compiling them was a
large part of what ``todobot chat`` spends on its own modules before the first answer, while
most first messages ("list", "done 3") need few of them. Each pattern is compiled once, on
first use; from then on its methods are the compiled pattern's own (no call in between).
A server compiles them all before its first message instead (:func:`compile_all`): there, a
first use would cost its message up to tens of milliseconds on the event loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

_METHODS = ("match", "search", "fullmatch", "finditer", "sub", "split", "findall")
# Every pattern made so far (module-level ones, in practice), for ``compile_all``.
_MADE: list[LazyPattern] = []


def compile_all() -> None:
    """Compile every pattern made so far (by the modules imported so far)."""
    for pattern in _MADE:
        pattern.compiled  # noqa: B018 (compiles and keeps it)


class LazyPattern:
    """``re.compile(source, flags)``, deferred: the methods of a compiled pattern."""

    # Filled in on first use (``__getattr__``) with the compiled pattern's bound methods.
    match: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]
    sub: Callable[..., str]
    split: Callable[..., list[str]]
    findall: Callable[..., list[Any]]

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        _MADE.append(self)

    @property
    def compiled(self) -> re.Pattern[str]:
        found: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if found is None:
            found = self.__dict__["_compiled"] = re.compile(self._source, self._flags)
        return found

    @property
    def pattern(self) -> str:
        return self._source

    def __getattr__(self, name: str) -> Any:
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = self.compiled
        for method in _METHODS:
            self.__dict__[method] = getattr(compiled, method)
        return self.__dict__[name]
