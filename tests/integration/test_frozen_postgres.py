"""A PostgreSQL that stops answering (SIGSTOP: alive, connected, silent) in the middle of a
turn: the person gets the right apology within the turn's budget, and the bot works again once
the server resumes. The server is one this test starts itself (its own data directory and
port), never the shared one."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.agent import AgentReply, AgentTurn, Tools
from bot.chat import ChatLimits, ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage import migrate
from storage.sql import WaitLimits, open_sql_storage
from storage.sql.storage import SqlStorage

pytestmark = pytest.mark.postgres

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
ANN = UserRef("slack", "T1", "U_ANN")
TURN_SECONDS = 3.0
HANG_GUARD = 120.0  # only against a hang: no assertion is about how long anything took


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> None:
    # initdb and the server refuse to run as root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


class OwnServer:
    """A PostgreSQL server of this test's own, which it can freeze and thaw, stop and start."""

    def __init__(self, data: Path, port: int, binaries: str, options: str, log: Path) -> None:
        self.data = data
        self.port = port
        self._pg_ctl = (f"{binaries}/pg_ctl", "-D", str(data), "-l", str(log), "-o", options)

    def start(self) -> None:
        _as_postgres(*self._pg_ctl, "-w", "start")

    def stop(self) -> None:
        _as_postgres(*self._pg_ctl, "-m", "immediate", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _processes(self) -> list[int]:
        """The postmaster and every process it started (the backends serving us)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        found = [postmaster]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                found.append(int(Path(stat).parent.name))
        return found

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, number: signal.Signals) -> None:
        for pid in self._processes():
            # A backend may end between the listing and the signal (a client went away).
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)


@pytest.fixture(scope="module")
def own_server() -> Iterator[OwnServer]:
    if not BINARIES:
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)")
    root = Path(tempfile.mkdtemp(prefix="todobot-frozen-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port, binaries = root / "data", _free_port(), BINARIES[-1]
    _as_postgres(f"{binaries}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust")
    options = f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root}"
    server = OwnServer(data, port, binaries, options, root / "log")
    server.start()
    try:
        yield server
    finally:
        server.thaw()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
async def storage(own_server: OwnServer) -> AsyncIterator[SqlStorage]:
    store = open_sql_storage(
        own_server.url,
        connect_timeout=2,
        lock_wait_seconds=TURN_SECONDS,
        limits=WaitLimits(statement=2, lock=1, pool=2),
    )
    await migrate.upgrade(store.engine)
    try:
        yield store
    finally:
        own_server.thaw()
        await migrate.downgrade(store.engine, "base")
        await store.close()


class FreezingAgent:
    """Freezes (or stops) the database server, then adds a task, which can no longer be
    stored."""

    name = "freezing"

    def __init__(self, server: OwnServer, *, stop: bool = False) -> None:
        self.server = server
        self.freeze = True
        self.stop = stop

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        if self.freeze and self.stop:
            self.server.stop()
        elif self.freeze:
            self.server.freeze()
        call = await tools.call("add_task", {"title": turn.text})
        return AgentReply(text=f"added {call.result['task']['number']}")


def said(text: str, thread: str) -> IncomingMessage:
    key = ConversationKey("slack", "T1", "C1", thread)
    return IncomingMessage(key=key, author=ANN, text=text, event_id=f"Ev-{thread}")


async def test_a_frozen_server_mid_turn_gets_a_busy_apology_and_the_message_is_kept(
    own_server: OwnServer, storage: SqlStorage
) -> None:
    agent = FreezingAgent(own_server)
    chat = ChatService(
        storage=storage,
        agent=agent,
        limits=ChatLimits(turn_timeout=TURN_SECONDS, agent_timeout=TURN_SECONDS),
    )
    async with asyncio.timeout(HANG_GUARD):
        reply = await chat.handle(said("buy milk", "t1"))
    assert reply.is_error
    assert reply.text == texts.storage_busy(kept=True)  # stored before the server froze

    # Frozen before the turn: the message cannot be stored, and the apology says so.
    async with asyncio.timeout(HANG_GUARD):
        reply = await chat.handle(said("buy bread", "t2"))
    assert reply.text == texts.storage_busy(kept=False)

    own_server.thaw()
    agent.freeze = False
    async with asyncio.timeout(HANG_GUARD):
        reply = await chat.handle(said("buy eggs", "t3"))
    assert not reply.is_error and reply.text == "added 1"


async def test_a_server_gone_mid_turn_gets_the_cannot_reach_apology_and_the_message_is_kept(
    own_server: OwnServer, storage: SqlStorage
) -> None:
    agent = FreezingAgent(own_server, stop=True)
    chat = ChatService(
        storage=storage,
        agent=agent,
        limits=ChatLimits(turn_timeout=TURN_SECONDS * 10, agent_timeout=TURN_SECONDS * 10),
    )
    try:
        async with asyncio.timeout(HANG_GUARD):
            reply = await chat.handle(said("buy milk", "t4"))
        assert reply.text == texts.storage_apology(kept=True)
        async with asyncio.timeout(HANG_GUARD):
            reply = await chat.handle(said("buy bread", "t5"))
        assert reply.text == texts.storage_apology(kept=False)
    finally:
        own_server.start()
    agent.freeze = False
    async with asyncio.timeout(HANG_GUARD):
        reply = await chat.handle(said("buy eggs", "t6"))
    assert not reply.is_error and reply.text == "added 1"
