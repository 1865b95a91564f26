"""Run ``todobot simulate`` in this process: the real adapters against the fake platforms."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cli.simulate import Options, run_simulation
from bot.config import Settings


@dataclass
class Run:
    status: int
    out: str

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.startswith("{")]

    @property
    def calls(self) -> list[dict[str, Any]]:
        return [line for line in self.lines if "method" in line]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [line for line in self.lines if "error" in line]

    def of_event(self, number: int) -> list[dict[str, Any]]:
        return [line for line in self.calls if line["event"] == number]


def events_file(tmp_path: Path, events: list[dict[str, Any] | str]) -> Path:
    path = tmp_path / "events.jsonl"
    lines = [e if isinstance(e, str) else json.dumps(e) for e in events]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def simulate(
    platform: str,
    *,
    events: Path | None = None,
    typed: str = "",
    as_json: bool = True,
    settings: Settings | None = None,
    database_url: str | None = None,
    now: str | None = None,
) -> Run:
    out = io.StringIO()
    options = Options(
        platform=platform,
        events=events,
        as_json=as_json,
        now=now,
        tz="UTC",
        database_url=database_url,
    )
    status = await run_simulation(
        settings or Settings(), options, stdin=io.StringIO(typed), stdout=out
    )
    return Run(status, out.getvalue())
