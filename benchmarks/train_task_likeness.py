"""Trains the task-likeness model (``bot/agents/rules/task_likeness.py``) from the case sets.

Every case file in ``benchmarks/`` (``nl_cases_*.json``) and ``benchmarks/fresh_sets/`` is
read; a case whose only expectation is new tasks is "a task", every other case is not. The
model is written to ``bot/agents/rules/task_likeness.json``; the same files give the same bytes.

    python -m benchmarks.train_task_likeness                   # retrain and write the model
    python -m benchmarks.train_task_likeness --check           # exit 1 if the shipped one differs
    python -m benchmarks.train_task_likeness --cross-validate  # how the gate does on unseen sets

``--cross-validate`` leaves out one case set at a time, trains on the others, and scores the
rule the model guards (a new task read without an add word) on the set left out: how many of
the phrases that rule read as tasks were kept rightly or wrongly, and dropped rightly or wrongly,
at a few thresholds. This is how ``THRESHOLD`` was chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.rule_hits import rule_names, rule_of  # noqa: E402
from bot.agents.rules import task_likeness  # noqa: E402

MODEL_PATH = ROOT / "bot" / "agents" / "rules" / task_likeness.MODEL_FILE
_GUARDED_RULE = "implicit-add"


def case_files() -> list[Path]:
    here = ROOT / "benchmarks"
    return sorted(here.glob("nl_cases_*.json")) + sorted((here / "fresh_sets").glob("*.json"))


def read_cases(path: Path) -> tuple[datetime, list[dict[str, object]]]:
    body = json.loads(path.read_text(encoding="utf-8"))
    return datetime.fromisoformat(body["now"]), list(body["cases"])


def train_on(paths: Sequence[Path]) -> task_likeness.TaskLikeness:
    pairs = []
    for path in paths:
        pairs += task_likeness.labelled(read_cases(path)[1])
    return task_likeness.train(pairs)


@dataclass
class Tally:
    kept_right: int = 0
    kept_wrong: int = 0
    dropped_right: int = 0
    dropped_wrong: int = 0


def cross_validate(thresholds: Sequence[float]) -> dict[float, Tally]:
    tallies = {threshold: Tally() for threshold in thresholds}
    paths = case_files()
    with rule_names() as names:
        for left_out in paths:
            model = train_on([p for p in paths if p != left_out])
            now, cases = read_cases(left_out)
            for message, is_task in task_likeness.labelled(cases):
                with task_likeness.using(task_likeness.EVERYTHING):
                    if rule_of(names, message, now=now) != _GUARDED_RULE:
                        continue
                score = model.score(message)
                for threshold, tally in tallies.items():
                    if score >= threshold:
                        tally.kept_right += is_task
                        tally.kept_wrong += not is_task
                    else:
                        tally.dropped_right += not is_task
                        tally.dropped_wrong += is_task
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    parser.add_argument("--cross-validate", action="store_true")
    args = parser.parse_args(argv)
    if args.cross_validate:
        print("threshold  kept right  kept wrong  dropped right  dropped wrong  (left-out sets)")
        for threshold, t in cross_validate((-3.0, -2.0, -1.0, 0.0, 1.0)).items():
            print(
                f"{threshold:9.1f}  {t.kept_right:10}  {t.kept_wrong:10}  "
                f"{t.dropped_right:13}  {t.dropped_wrong:13}"
            )
        return 0
    text = train_on(case_files()).to_json()
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        print("shipped model is up to date" if same else "shipped model differs: retrain")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
