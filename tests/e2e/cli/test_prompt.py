"""``todobot chat`` at a terminal (a pseudo-terminal here): line editing, history, Ctrl-C."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(sys.platform == "win32", reason="POSIX pty")]

UP_ARROW = b"\x1b[A"
LEFT_ARROW = b"\x1b[D"


class Terminal:
    def __init__(self, tmp_path: Path) -> None:
        self.main, child = pty.openpty()
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "TERM": "xterm",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--user", "tty", "--now", "2026-11-18T09:00"],
            stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path, close_fds=True,
        )  # fmt: skip
        os.close(child)
        self.seen = b""

    def wait_for(self, text: bytes, *, after: int = 0, within: float = 60) -> int:
        """Read the screen until ``text`` appears past offset ``after``; where it ends.

        ``within`` only detects a hang; it is no speed budget.
        """
        deadline = time.monotonic() + within
        while (found := self.seen.find(text, after)) < 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen: {self.seen[-500:]!r}")
            readable, _, _ = select.select([self.main], [], [], 0.5)
            if not readable:
                continue
            try:
                self.seen += os.read(self.main, 4096)
            except OSError:  # the program ended and closed the terminal
                raise AssertionError(f"ended before {text!r}: {self.seen[-500:]!r}") from None
        return found + len(text)

    def type(self, keys: bytes) -> None:
        os.write(self.main, keys)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.main)


@pytest.fixture
def terminal(tmp_path: Path) -> Terminal:
    term = Terminal(tmp_path)
    yield term  # type: ignore[misc]
    term.close()


def test_line_editing_history_and_ctrl_c(terminal: Terminal, tmp_path: Path) -> None:
    at = terminal.wait_for(b"you> ")
    # Typed with a mistake, corrected with the arrow keys before Enter.
    terminal.type(b"add buy mlk" + LEFT_ARROW * 2 + b"i\r")
    at = terminal.wait_for(b"Added #1", after=at)
    at = terminal.wait_for(b"you> ", after=at)
    # The previous line comes back with the up arrow.
    terminal.type(UP_ARROW + b"\r")
    at = terminal.wait_for(b"Added #2", after=at)
    terminal.wait_for(b"you> ", after=at)

    # Ctrl-C while the prompt waits for a line ends the program, with no Enter needed.
    terminal.process.send_signal(signal.SIGINT)
    assert terminal.process.wait(timeout=30) == 130
    assert b"Traceback" not in terminal.seen
    # History is kept for the next session (a repeated line once, as shells do).
    assert (tmp_path / "state" / "todobot" / "chat_history").read_text() == "add buy milk\n"
