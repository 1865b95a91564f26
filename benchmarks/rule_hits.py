"""Which rule of the rules agent's table reads each case's message, against what the case expects.

For every case of the given files, the message goes through ``understand`` and the name of the
rule that read it (logged at DEBUG, never the words) is paired with what the case expects
(``added``, ``completed``, …, ``none`` for "nothing may change", ``several`` for more than one
kind). A rule whose messages mostly expect something other than what it does is where the
understanding goes wrong on that phrasing — e.g. the rule that takes a bare phrase as a new
task, run on a set nobody had seen.

    python benchmarks/rule_hits.py CASES.json [CASES.json ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.agents.rules.understand import understand

_CHANGES = ("added", "completed", "reopened", "deleted", "updated")


class RuleNames(logging.Handler):
    """Collects the name of the rule that read each message, from the table's DEBUG log."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.names: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("rule ") and record.args:
            self.names.append(str(record.args[0]))
        elif record.msg.startswith("no rule"):
            self.names.append("(none)")


@contextmanager
def rule_names() -> Iterator[RuleNames]:
    logger = logging.getLogger("bot.agents.rules.understand")
    handler = RuleNames()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def rule_of(names: RuleNames, message: str, *, now: datetime) -> str:
    """The rule that read ``message`` (the last one logged: a part's rules log first)."""
    names.names.clear()
    understand(message, now=now)
    return names.names[-1] if names.names else "(none)"


def expected_kind(expect: Mapping[str, object]) -> str:
    if expect.get("unchanged"):
        return "none"
    kinds = [kind for kind in _CHANGES if expect.get(kind)]
    return kinds[0] if len(kinds) == 1 else "several" if kinds else "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, nargs="+")
    args = parser.parse_args(argv)
    table: Counter[tuple[str, str]] = Counter()
    with rule_names() as names:
        for path in args.cases:
            body = json.loads(path.read_text(encoding="utf-8"))
            now = datetime.fromisoformat(body["now"])
            for case in body["cases"]:
                table[rule_of(names, case["say"], now=now), expected_kind(case["expect"])] += 1
    for rule in sorted({rule for rule, _ in table}):
        counts = {kind: n for (r, kind), n in sorted(table.items()) if r == rule}
        print(
            f"{rule:24} {sum(counts.values()):5}  "
            + "  ".join(f"{k} {n}" for k, n in counts.items())
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
