"""The ``todobot simulate`` sub-command's options (kept here so ``bot/cli`` stays small)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.config import Settings


def add_simulate_parser(sub: Any) -> None:
    simulate = sub.add_parser(
        "simulate",
        help="watch the real Slack/Discord adapters answer simulated events (no account needed)",
    )
    simulate.add_argument("platform", choices=("slack", "discord"))
    simulate.add_argument(
        "--events", type=Path, default=None, help="a JSONL file of events ('-' for stdin)"
    )
    simulate.add_argument(
        "--json", action="store_true", help="print each call to the platform as one JSON line"
    )
    simulate.add_argument(
        "--now", default=None, help="the simulation's start time (ISO 8601; default fixed)"
    )
    simulate.add_argument("--tz", default="UTC", help="everyone's timezone (IANA name)")


async def run_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.simulate import Options, run_simulation

    options = Options(
        platform=args.platform,
        events=args.events,
        as_json=args.json,
        now=args.now,
        tz=args.tz,
        database_url=args.database_url,
    )
    return await run_simulation(settings, options)
