"""How long one message blocks the event loop, through ``ChatService`` with the offline agent.

A probe sleeps 1 ms in a loop beside the turns and records how late it wakes: while a turn
runs, the longest delay is the longest stretch the loop could serve nothing else (a Slack
acknowledgement, another person's turn). Each of a few hundred varied messages (the corpus of
``understand.py``: dates, times, references, small talk, long text) is one turn on SQLite; then
hostile text (``understand.py``'s walls of commas, "and"s and dashes, whole and cut to 60, 120
and 400 characters: the rules agent reads those in its reader process); then turns on a
10,000-task list (a page, a later page, a reference by words, a task by number). Before the
turns it warms up as ``todobot run`` does before its first event (``dates.warm_up``, a full
collection, ``gc.freeze``). Prints, per kind, the median / p99 / max of the longest block and
how many passed 5 ms. Target: no message blocks the loop for more than 5 ms.

    python benchmarks/loop_lag.py [--json] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.understand import HOSTILE_TEXTS, messages
from bot import dates
from bot.agents.rules.agent import RulesAgent
from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from bot.tasks import TaskDraft, TaskImport
from bot.tools.matching import query_words
from storage import migrate
from storage.sql import SqlStorage, open_sql_storage

BIG_LIST_TURNS = (
    "list",
    "page 300",
    "show task 9876",
    "what's due today?",
    "done the dentist appointment",
    "reopen the dentist appointment",
)


class LoopProbe:
    """Wakes every millisecond. ``worst``: the longest the loop's thread ran other work
    between two wake-ups since the last ``reset``, in its own CPU time — on a shared machine
    the wall-clock delay also counts the time the process waited for a processor, which no
    code change removes (``worst_wall`` keeps that figure too)."""

    def __init__(self) -> None:
        self.worst = self.worst_wall = 0.0
        self._running = True

    def reset(self) -> None:
        self.worst = self.worst_wall = 0.0

    async def run(self) -> None:
        while self._running:
            asked, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.thread_time() - cpu)
            self.worst_wall = max(self.worst_wall, time.perf_counter() - asked - 0.001)

    def stop(self) -> None:
        self._running = False


async def blocks(
    chat: ChatService, probe: LoopProbe, who: str, texts: list[str]
) -> tuple[list[float], list[float]]:
    """The longest block of each turn: in CPU time, and in wall-clock time."""
    key = ConversationKey("console", "local", who, "main")
    author = UserRef("console", "local", who)
    worst, worst_wall = [], []
    for text in texts:
        await asyncio.sleep(0.003)  # let the probe settle between turns
        probe.reset()
        await chat.handle(IncomingMessage(key=key, author=author, text=text))
        await asyncio.sleep(0.002)  # the probe's last wake-up, after the turn
        worst.append(probe.worst * 1000)
        worst_wall.append(probe.worst_wall * 1000)
    return worst, worst_wall


async def fill(storage: SqlStorage, who: str, count: int) -> None:
    user = await storage.users.resolve_user(
        ref=UserRef("console", "local", who), display_name=who, timezone="UTC"
    )
    drafts = [TaskImport(draft=TaskDraft(title=f"chore {i:05d}")) for i in range(count)]
    if count > 9_000:
        drafts[9_000] = TaskImport(draft=TaskDraft(title="book the dentist appointment"))
    await storage.tasks.import_tasks(user_id=user.id, tasks=drafts, now=_now())


def _now():  # type: ignore[no-untyped-def]
    from bot.chat import utc_now

    return utc_now()


def hostile() -> list[str]:
    return [text[:cut] for cut in (60, 120, 400, 4000) for text in HOSTILE_TEXTS]


def summary(samples: list[float]) -> dict[str, float | int]:
    ordered = sorted(samples)
    return {
        "messages": len(samples),
        "median_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "max_ms": round(ordered[-1], 2),
        "over_5ms": sum(1 for s in samples if s > 5.0),
    }


async def measure(rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = open_sql_storage(f"sqlite:///{tmp}/lag.db")
        await migrate.upgrade(storage.engine)
        await fill(storage, "small", 10)
        await fill(storage, "big", 10_000)
        agent = RulesAgent()
        chat = ChatService(storage=storage, agent=agent)
        probe = LoopProbe()
        running = asyncio.create_task(probe.run())
        try:
            corpus = messages()
            query_words("warm up")  # imports and compiled patterns are start-up, not a turn
            await blocks(chat, probe, "warm", [*corpus[:40], *hostile()[-2:]])
            # What ``todobot run`` does before its first event.
            dates.warm_up()
            gc.collect()
            gc.freeze()
            cpu: dict[str, list[float]] = {"everyday": [], "hostile": [], "big_list": []}
            wall: dict[str, list[float]] = {"everyday": [], "hostile": [], "big_list": []}
            for _ in range(rounds):
                for kind, who, texts in (
                    ("everyday", "small", corpus),
                    ("hostile", "small", hostile()),
                    ("big_list", "big", list(BIG_LIST_TURNS)),
                ):
                    on_cpu, on_wall = await blocks(chat, probe, who, texts)
                    cpu[kind] += on_cpu
                    wall[kind] += on_wall
        finally:
            probe.stop()
            await running
            await agent.aclose()
            await storage.close()
    figures: dict[str, object] = {kind: summary(samples) for kind, samples in cpu.items()}
    figures |= {f"{kind}_wall": summary(samples) for kind, samples in wall.items()}
    figures["load"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(measure(args.rounds))
    if args.json:
        print(json.dumps(result))
        return
    for name, label in (
        ("everyday", "messages (CPU)"),
        ("hostile", "hostile text (CPU)"),
        ("big_list", "10,000-task list turns (CPU)"),
        ("everyday_wall", "messages (wall clock)"),
        ("hostile_wall", "hostile text (wall clock)"),
        ("big_list_wall", "10,000-task list turns (wall clock)"),
    ):
        s = result[name]
        assert isinstance(s, dict)
        print(
            f"{label}: {s['messages']} turns; longest loop block per turn median "
            f"{s['median_ms']} ms, p99 {s['p99_ms']} ms, max {s['max_ms']} ms; "
            f"over 5 ms: {s['over_5ms']}"
        )
    print(f"load average {result['load']}")


if __name__ == "__main__":
    main()
