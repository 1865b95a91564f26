"""``ReaderProcess``: messages that can be slow to understand, read in a child process.

Most messages take well under a millisecond to understand, but a long or oddly punctuated one
("add x and x and x …", pasted notes, a wall of commas) takes tens of milliseconds — time the
event loop could not spend acknowledging Slack or serving another turn. A worker thread would
not help: most of that time is in regular expressions, and one ``re`` call holds the GIL for
up to several milliseconds, during which the loop's thread cannot run either. So the rules
agent hands such messages to one child process; the loop only pickles the text and the intent
that comes back (tens of microseconds) and waits on a socket with ``add_reader`` — no thread.

The child is a fresh interpreter running :func:`serve` (not ``multiprocessing``'s spawn, which
would import the parent's main script again). It is started on first use, reads one message at
a time, and ignores the signals a terminal or process manager sends the whole process group:
it ends when the parent closes its end of the socket (or dies). A reading its caller stops
waiting for (the turn timed out: a text that runs away) kills the child, so a stuck reading
cannot hold up the next one; a child that died is replaced once per message, then the reading
fails with ``ReaderUnavailable``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import weakref
from datetime import datetime
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path

from bot.agents.rules.intents import Intent
from bot.errors import InternalError

log = logging.getLogger(__name__)

# How long the child gets to leave when asked, before it is killed.
_STOP_SECONDS = 1.0
# Where ``bot`` is imported from here, for the child to import the same code.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[3])


class ReaderUnavailable(InternalError):
    """The child process could not be started or kept dying."""


class ReaderProcess:
    """``understand`` in one child process, awaited without blocking the event loop."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._pipe: Connection | None = None
        self._turn: asyncio.Lock | None = None
        # Every child not yet reaped (killed ones linger until polled); ended with this object.
        self._children: list[subprocess.Popen[bytes]] = []
        weakref.finalize(self, _end_all, self._children)

    async def understand(self, text: str, *, now: datetime, expecting_tasks: bool) -> Intent:
        """What ``text`` asks for, read as ``bot.agents.rules.understand.understand`` reads it."""
        if self._turn is None:
            self._turn = asyncio.Lock()
        async with self._turn:  # one message at a time on the one socket
            for attempt in range(2):
                try:
                    outcome, value = await self._ask((text, now, expecting_tasks))
                except (EOFError, OSError) as exc:
                    self._discard()
                    if attempt == 0:
                        log.warning("message reader process stopped (%r); starting another", exc)
                        continue
                    raise ReaderUnavailable("the message reader process keeps stopping") from exc
                except BaseException:
                    # Cancelled (a turn timeout) while the child still reads: it may be stuck
                    # on this text, and its answer would be taken for the next message's.
                    self._discard()
                    raise
                if outcome == "error":
                    assert isinstance(value, BaseException)
                    raise value
                intent: Intent = value  # type: ignore[assignment]
                return intent
        raise AssertionError("unreachable")

    async def _ask(self, request: tuple[str, datetime, bool]) -> tuple[str, object]:
        pipe = self._started()
        pipe.send(request)
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = pipe.fileno()

        def ready() -> None:
            if not readable.done():
                readable.set_result(None)

        loop.add_reader(fd, ready)
        try:
            await readable
        finally:
            loop.remove_reader(fd)
        answer: tuple[str, object] = pipe.recv()
        return answer

    def _started(self) -> Connection:
        if self._pipe is not None and self._child is not None and self._child.poll() is None:
            return self._pipe
        self._discard()
        ours, theirs = Pipe(duplex=True)
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_SOURCE_ROOT, path]))}
        try:
            child = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
                # Out of the terminal's process group: Ctrl-C is the parent's to handle.
                start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            raise ReaderUnavailable(f"cannot start the message reader process: {exc}") from exc
        finally:
            theirs.close()
        self._children.append(child)
        self._child, self._pipe = child, ours
        return ours

    def _discard(self) -> None:
        """Kill the child at once (it holds nothing worth a clean exit), without waiting for
        it on the loop: it is reaped at the next start, or when this object ends."""
        pipe, child = self._pipe, self._child
        self._pipe = self._child = None
        if pipe is not None:
            pipe.close()
        if child is not None and child.poll() is None:
            child.kill()
        self._children[:] = [c for c in self._children if c.poll() is None]

    async def aclose(self) -> None:
        """Let the child leave (end of file on its socket) and wait for it, off the loop."""
        pipe, child = self._pipe, self._child
        self._pipe = self._child = None
        if pipe is not None:
            pipe.close()
        if child is not None:
            try:
                await asyncio.to_thread(child.wait, _STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
        await asyncio.to_thread(_end_all, self._children)


def _end_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait()
    children.clear()


_CHILD = (
    "import sys\n"
    "from multiprocessing.connection import Connection\n"
    "from bot.agents.rules.reader_process import serve\n"
    "serve(Connection(int(sys.argv[1])))\n"
)


def serve(pipe: Connection) -> None:
    """The child: read each message that arrives until the parent closes the socket."""
    # A process manager's SIGTERM can reach every process of the service; the parent decides
    # when to stop (it drains its turns first) by closing the socket.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from bot.agents.rules.understand import understand

    while True:
        try:
            text, now, expecting_tasks = pipe.recv()
        except EOFError:
            return
        try:
            answer: tuple[str, object] = (
                "ok",
                understand(text, now=now, expecting_tasks=expecting_tasks),
            )
        except Exception as exc:
            answer = ("error", exc)
        try:
            pipe.send(answer)
        except Exception as exc:  # an answer that does not pickle
            pipe.send(("error", ReaderUnavailable(f"unreadable answer: {exc!r}")))
