"""Reading the console: an interactive prompt with line editing and history, or lines of
standard input.

The prompt reads in a daemon thread, so Ctrl-C ends the program at once (the event loop is
cancelled and nothing waits for a thread blocked in ``input``), and the event loop stays free
for whatever else runs meanwhile. Standard input is read as bytes: a line that is not UTF-8 is
reported as :data:`NOT_TEXT` instead of being passed on half-decoded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Final, TextIO

log = logging.getLogger(__name__)

PROMPT = "you> "
HISTORY_LINES = 1000


class _NotText(str):
    """A line that could not be decoded (a distinct value; never shown)."""


NOT_TEXT: Final = _NotText("")


def history_path() -> Path:
    import platformdirs

    return platformdirs.user_state_path("todobot", appauthor=False) / "chat_history"


class Prompt:
    """``await prompt()`` → the next line typed, ``None`` at Ctrl-D, or ``NOT_TEXT``."""

    def __init__(self, prompt: str = PROMPT) -> None:
        self._prompt = prompt
        self._terminal: list[Any] | None = None
        self._history = history_path()
        self._readline: ModuleType | None = None

    def __enter__(self) -> Prompt:
        self._save_terminal()
        try:
            import readline
        except ImportError:  # Windows without pyreadline: plain input() still works
            return self
        self._readline = readline
        readline.set_history_length(HISTORY_LINES)
        with contextlib.suppress(OSError):
            readline.read_history_file(self._history)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._readline is not None:
            try:
                self._history.parent.mkdir(parents=True, exist_ok=True)
                self._readline.write_history_file(self._history)
            except OSError as error:
                log.warning("could not save the prompt history: %s", error.strerror)
        self._restore_terminal()

    async def __call__(self) -> str | None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not answer.done():
                answer.set_result(line)

        def read() -> None:
            try:
                line: str | None = input(self._prompt)
            except EOFError:
                line = None
            except UnicodeDecodeError:
                line = NOT_TEXT
            with contextlib.suppress(RuntimeError):  # the loop closed after Ctrl-C
                loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=read, name="todobot-prompt", daemon=True).start()
        return await answer

    def _save_terminal(self) -> None:
        # readline switches the terminal to raw input while it reads; if Ctrl-C ends the
        # program mid-line, the terminal must come back as it was.
        try:
            import termios

            self._terminal = termios.tcgetattr(sys.stdin.fileno())
        except (ImportError, OSError, ValueError):
            self._terminal = None

    def _restore_terminal(self) -> None:
        if self._terminal is None:
            return
        with contextlib.suppress(ImportError, OSError, ValueError):
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._terminal)


class LineReader:
    """``await reader()`` → the next line of ``stream`` (UTF-8), ``None`` at its end."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bytes = getattr(stream, "buffer", None)

    def __enter__(self) -> LineReader:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    async def __call__(self) -> str | None:
        if self._bytes is None:  # a text stream without bytes beneath (tests, StringIO)
            text = await asyncio.to_thread(self._stream.readline)
            return text or None
        raw: bytes = await asyncio.to_thread(self._bytes.readline)
        if not raw:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return NOT_TEXT


__all__ = ["NOT_TEXT", "PROMPT", "LineReader", "Prompt", "history_path"]
