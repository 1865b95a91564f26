"""The ``todobot simulate`` sub-command's options (kept here so ``bot/cli`` stays small)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings


def add_simulate_parser(sub: Any) -> None:
    simulate = sub.add_parser(
        "simulate",
        help="watch the real Slack/Discord adapters answer simulated events (no account needed)",
        description="Run the real Slack or Discord adapter against a fake platform on this "
        "machine: type as people in channels, threads and DMs, or replay a JSONL file.",
    )
    simulate.add_argument("platform", choices=("slack", "discord"), help="the platform to simulate")
    simulate.add_argument(
        "--events",
        type=Path,
        default=None,
        metavar="FILE",
        help="a JSONL file of events ('-' for stdin); without it, type events",
    )
    simulate.add_argument(
        "--json", action="store_true", help="print each call to the platform as one JSON line"
    )
    simulate.add_argument(
        "--now",
        default=None,
        metavar="ISO8601",
        help="the simulation's start time (default Monday 2026-11-16 09:00 UTC)",
    )
    simulate.add_argument(
        "--tz", default="UTC", metavar="ZONE", help="everyone's timezone (IANA name)"
    )


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
