"""Slack's acknowledgement time while turns run: p50/p99/max at a steady rate of events.

Runs the real Slack adapter in HTTP mode (slack-bolt, signed requests like Slack's) against
the local fake Slack of the end-to-end tests, with ``ChatService`` and the offline rules agent
on a SQLite file, and posts @mentions at ``--rate`` events per second for ``--seconds`` across
``--threads`` threads (each mention starts a turn: history, tools, reply, a post to the fake
Slack). Slack wants the HTTP answer within three seconds; the target here is p99 < 100 ms
at 50 events/s.

    python benchmarks/slack_ack.py [--rate 50] [--seconds 10] [--threads 20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import BOT_USER, FakeSlack
from bot.agents.rules.agent import RulesAgent
from bot.chat import ChatService
from storage import migrate
from storage.sql import open_sql_storage
from tests.e2e.slack.conftest import serving
from tests.e2e.slack.scripted_agent import ScriptedAgent

TEXTS = (
    "add water the plants tomorrow",
    "what's on my list?",
    "add call the bank friday 3pm high priority",
    "what's due today?",
)


async def run(rate: float, seconds: float, threads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = open_sql_storage(f"sqlite:///{tmp}/slack.db")
        await migrate.upgrade(storage.engine)
        fake = FakeSlack()
        await fake.start()
        chat = ChatService(storage=storage, agent=RulesAgent())
        try:
            async with serving(fake, chat, ScriptedAgent(), storage) as slack:
                acks = await _drive(slack, rate, seconds, threads)
                await slack.settle()
        finally:
            await fake.stop()
            await storage.close()
    ordered = sorted(acks)
    return {
        "events": len(ordered),
        "rate": rate,
        "ack_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "ack_p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "ack_max_ms": round(ordered[-1] * 1000, 1),
    }


async def _drive(slack: object, rate: float, seconds: float, threads: int) -> list[float]:
    count = int(rate * seconds)
    started = time.monotonic()
    pending = []
    for i in range(count):
        # A steady schedule: event i leaves at i / rate, whatever the earlier ones cost.
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
        event = payloads.mention(
            f"<@{BOT_USER}> {TEXTS[i % len(TEXTS)]}",
            user=f"U{i % threads}",
            channel="C1",
            ts=f"{1000 + i}.000001",
            thread_ts=f"{100 + i % threads}.000001",
        )
        pending.append(asyncio.create_task(slack.event(event, event_id=f"Ev{i}")))  # type: ignore[attr-defined]
    answers = await asyncio.gather(*pending)
    failed = [a for a in answers if a.status != 200]
    if failed:
        raise SystemExit(f"{len(failed)} events were not acknowledged: {failed[0]}")
    return [a.seconds for a in answers]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.rate, args.seconds, args.threads))
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['events']} events at {result['rate']:g}/s: ack p50 {result['ack_p50_ms']} ms, "
        f"p99 {result['ack_p99_ms']} ms, max {result['ack_max_ms']} ms (target p99 < 100 ms)"
    )


if __name__ == "__main__":
    main()
