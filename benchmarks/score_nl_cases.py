"""Scores natural-language cases through the real ``todobot`` command line.

Each case gets a fresh SQLite file: its setup goes in with ``todobot tasks import``, its one
message through ``todobot chat --json`` on the file's clock and timezone, and the list comes
back with ``todobot tasks export``. Every expectation of the case format
(``../shared/eval/README.md``) is checked, including that every setup task the case does not
name is exactly as it was. Prints the pass rate per category and the failing cases.

    python benchmarks/score_nl_cases.py CASES.json [--json] [--min-pass 0.9] [--workers 2]
                                           [--in-process]

``--in-process`` runs the same three steps through the same command-line functions inside
this process (about ten times faster, for iterating); CI keeps the real processes.

Exits 1 when the pass rate is below ``--min-pass``, 2 when the cases file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

USER = "nl-case"
_END_PUNCTUATION = ".,!?;:…"
_COMPARED = ("title", "description", "priority", "due", "completed")


@dataclass
class CaseResult:
    id: str
    category: str
    say: str
    failures: list[str] = field(default_factory=list)
    reply: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures


# --- comparing -----------------------------------------------------------------------------


def norm_title(title: str) -> str:
    return title.strip().rstrip(_END_PUNCTUATION).strip().casefold()


def local_due(value: str | None, tz: ZoneInfo) -> str | None:
    """A due value as cases write it: ``YYYY-MM-DD`` or local ``YYYY-MM-DDTHH:MM``."""
    if value is None or len(value) == 10:
        return value
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%dT%H:%M")


def setup_as_export(setup: Sequence[Mapping[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The setup tasks as ``tasks export`` shows them (numbers 1, 2, … in order)."""
    return [
        {
            "number": index,
            "title": task["title"],
            "description": task.get("description") or "",
            "priority": task.get("priority") or "medium",
            "due": local_due(task.get("due"), tz),
            "completed": bool(task.get("completed")),
        }
        for index, task in enumerate(setup, start=1)
    ]


def import_file(setup: Sequence[Mapping[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The setup as ``tasks import`` reads it; local date-times get the case's offset."""
    rows = []
    for task in setup:
        row = {
            k: v for k, v in task.items() if k in ("title", "description", "priority", "completed")
        }
        row["description"] = row.get("description") or ""
        due = task.get("due")
        if due and len(due) > 10:
            due = datetime.fromisoformat(due).replace(tzinfo=tz).isoformat()
        row["due"] = due
        rows.append(row)
    return rows


def _fits(task: Mapping[str, Any], spec: Mapping[str, Any], tz: ZoneInfo) -> list[str]:
    problems = []
    if "title_any" in spec or "title" in spec:
        wanted = spec.get("title_any") or [spec["title"]]
        if norm_title(task["title"]) not in {norm_title(t) for t in wanted}:
            problems.append(f"title {task['title']!r} not in {wanted}")
    if "priority" in spec and task["priority"] != spec["priority"]:
        problems.append(f"priority {task['priority']} != {spec['priority']}")
    if "due_any" in spec and local_due(task["due"], tz) not in spec["due_any"]:
        problems.append(f"due {local_due(task['due'], tz)} not in {spec['due_any']}")
    if (
        "description_contains" in spec
        and spec["description_contains"].casefold()
        not in (task.get("description") or "").casefold()
    ):
        problems.append(
            f"description {task.get('description')!r} lacks {spec['description_contains']!r}"
        )
    return problems


def check_case(
    case: Mapping[str, Any], after: Sequence[Mapping[str, Any]], reply: str, tz: ZoneInfo
) -> list[str]:
    """Every expectation of ``case`` that the list ``after`` and the ``reply`` break."""
    expect = case.get("expect", {})
    before = setup_as_export(case.get("setup", []), tz)
    after_by_number = {t["number"]: t for t in after}
    before_numbers = {t["number"] for t in before}
    new = [t for t in after if t["number"] not in before_numbers]
    failures: list[str] = []

    named: set[int] = set()
    for key in ("completed", "reopened", "deleted"):
        named.update(expect.get(key, []))
    named.update(int(n) for n in expect.get("updated", {}))

    for number in expect.get("completed", []):
        task = after_by_number.get(number)
        if task is None or not task["completed"]:
            failures.append(f"#{number} should be completed")
    for number in expect.get("reopened", []):
        task = after_by_number.get(number)
        if task is None or task["completed"]:
            failures.append(f"#{number} should be open again")
    for number in expect.get("deleted", []):
        if number in after_by_number:
            failures.append(f"#{number} should be deleted")
    for number, spec in expect.get("updated", {}).items():
        task = after_by_number.get(int(number))
        if task is None:
            failures.append(f"#{number} should still exist, updated")
            continue
        failures.extend(f"#{number}: {p}" for p in _fits(task, spec, tz))

    added = expect.get("added", [])
    if added:
        failures.extend(_check_added(added, new, tz, exact=case.get("category") == "add-multi"))
    elif new and (expect.get("unchanged") or named):
        failures.append(f"unexpected new tasks: {[t['title'] for t in new]}")
    if expect.get("unchanged") and new:
        failures.append("nothing may be added")

    for task in before:
        if task["number"] in named and not expect.get("unchanged"):
            continue
        now = after_by_number.get(task["number"])
        if now is None:
            failures.append(f"#{task['number']} {task['title']!r} was removed")
            continue
        changed = [k for k in _COMPARED if _field(now, k, tz) != task[k]]
        if changed:
            failures.append(f"#{task['number']} {task['title']!r} changed: {', '.join(changed)}")

    lowered = reply.casefold()
    for text in expect.get("reply_mentions", []):
        if text.casefold() not in lowered:
            failures.append(f"reply lacks {text!r}")
    for text in expect.get("reply_omits", []):
        if text.casefold() in lowered:
            failures.append(f"reply mentions {text!r}")
    return failures


def _field(task: Mapping[str, Any], key: str, tz: ZoneInfo) -> Any:
    if key == "due":
        return local_due(task.get("due"), tz)
    if key == "description":
        return task.get("description") or ""
    return task.get(key)


def _check_added(
    specs: Sequence[Mapping[str, Any]],
    new: Sequence[Mapping[str, Any]],
    tz: ZoneInfo,
    *,
    exact: bool,
) -> list[str]:
    failures = []
    if exact and len(new) != len(specs):
        failures.append(
            f"{len(new)} new tasks, expected exactly {len(specs)}: {[t['title'] for t in new]}"
        )
    unused = list(new)
    for spec in specs:
        match = next((t for t in unused if not _fits(t, spec, tz)), None)
        if match is None:
            near = [f"{t['title']!r}: {'; '.join(_fits(t, spec, tz))}" for t in unused]
            wanted = spec.get("title_any") or [spec.get("title")]
            failures.append(
                f"no new task fits {wanted}"
                + (f" ({' | '.join(near)})" if near else " (nothing was added)")
            )
        else:
            unused.remove(match)
    return failures


# --- running -------------------------------------------------------------------------------


def _todobot(
    command: Sequence[str],
    args: Sequence[str],
    *,
    url: str,
    stdin: str = "",
    env: Mapping[str, str],
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "--database-url", url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(env),
        cwd=Path(__file__).resolve().parent.parent,
    )


Steps = Sequence[tuple[str, Sequence[str], str]]


def _run_processes(
    steps: Steps, url: str, command: Sequence[str], env: Mapping[str, str]
) -> dict[str, str] | str:
    """Each step's output, or why a step failed."""
    outputs: dict[str, str] = {}
    for name, args, stdin in steps:
        done = _todobot(command, args, url=url, stdin=stdin, env=env)
        if done.returncode != 0:
            return f"`{name}` exited {done.returncode}: {done.stderr.strip()[-300:]}"
        outputs[name] = done.stdout
    return outputs


def _run_in_process(steps: Steps, url: str, env: Mapping[str, str]) -> dict[str, str] | str:
    """The steps through the functions ``todobot`` itself dispatches to, with the same parsed
    arguments and settings, in one event loop."""
    import asyncio
    import io

    from bot.cli import build_parser
    from bot.cli.chat import run_chat
    from bot.cli.tasks import export_tasks, import_tasks
    from bot.config import load_settings

    repo = Path(__file__).resolve().parent.parent

    async def run_all() -> dict[str, str]:
        outputs: dict[str, str] = {}
        for name, argv, stdin in steps:
            args = build_parser().parse_args(["--database-url", url, *argv])
            settings = load_settings(repo / "config.toml", env=env)
            settings.database.url = url
            if args.command == "chat":
                out = io.StringIO()
                await run_chat(
                    settings,
                    user=args.user,
                    tz=args.tz,
                    now=args.now,
                    as_json=args.json,
                    stdin=io.StringIO(stdin),
                    stdout=out,
                )
                outputs[name] = out.getvalue()
            elif args.tasks_command == "export":
                outputs[name] = await export_tasks(settings, user=args.user, fmt=args.format)
            else:
                await import_tasks(settings, user=args.user, path=args.file, tz=args.tz)
                outputs[name] = ""
        return outputs

    try:
        return asyncio.run(run_all())
    except Exception as exc:  # reported as the case's failure, as an exit code would be
        return f"in-process run failed: {exc!r}"


def run_case(
    case: Mapping[str, Any],
    *,
    now: str,
    tz_name: str,
    command: Sequence[str] | None,
    env: Mapping[str, str],
) -> CaseResult:
    """One case, through ``command``'s processes or, when it is None, in this process."""
    tz = ZoneInfo(tz_name)
    result = CaseResult(
        id=str(case.get("id")),
        category=str(case.get("category", "?")),
        say=str(case.get("say", "")),
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nlcase-") as folder:
        url = f"sqlite:///{Path(folder) / 'case.db'}"
        setup = Path(folder) / "setup.json"
        setup.write_text(json.dumps(import_file(case.get("setup", []), tz)))
        steps = [
            ("import", ["tasks", "import", "--user", USER, str(setup)], ""),
            (
                "chat",
                ["chat", "--json", "--now", now, "--tz", tz_name, "--user", USER],
                result.say.replace("\n", " ") + "\n",
            ),
            ("export", ["tasks", "export", "--user", USER, "--format", "json"], ""),
        ]
        ran = (
            _run_processes(steps, url, command, env)
            if command is not None
            else _run_in_process(steps, url, env)
        )
        if isinstance(ran, str):
            result.failures.append(ran)
            result.seconds = time.perf_counter() - started
            return result
        outputs = ran
    try:
        answer = json.loads(outputs["chat"].strip().splitlines()[-1])
        after = json.loads(outputs["export"])
    except (json.JSONDecodeError, IndexError) as exc:
        result.failures.append(f"unreadable output: {exc}")
        return result
    result.reply = str(answer.get("reply", ""))
    result.failures = check_case(case, after, result.reply, tz)
    result.seconds = time.perf_counter() - started
    return result


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    categories: dict[str, list[CaseResult]] = {}
    for result in results:
        categories.setdefault(result.category, []).append(result)
    passed = sum(r.passed for r in results)
    return {
        "cases": len(results),
        "passed": passed,
        "pass_rate": passed / len(results) if results else 0.0,
        "categories": {
            name: {
                "cases": len(group),
                "passed": sum(r.passed for r in group),
                "pass_rate": sum(r.passed for r in group) / len(group),
            }
            for name, group in sorted(categories.items())
        },
        "failing": [
            {
                "id": r.id,
                "category": r.category,
                "say": r.say,
                "reply": r.reply,
                "failures": r.failures,
            }
            for r in results
            if not r.passed
        ],
    }


def _print_text(summary: Mapping[str, Any]) -> None:
    print(f"{'category':<16} {'passed':>7} {'cases':>6} {'rate':>7}")
    for name, row in summary["categories"].items():
        print(f"{name:<16} {row['passed']:>7} {row['cases']:>6} {row['pass_rate']:>7.0%}")
    print(f"{'all':<16} {summary['passed']:>7} {summary['cases']:>6} {summary['pass_rate']:>7.0%}")
    for failure in summary["failing"]:
        print(f"\nFAIL {failure['id']} [{failure['category']}]: {failure['say'][:120]!r}")
        for problem in failure["failures"]:
            print(f"  - {problem}")
        print(f"  reply: {failure['reply'][:300]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--min-pass", type=float, default=0.0, help="exit 1 when the pass rate is below this (0–1)"
    )
    parser.add_argument("--workers", type=int, default=2, help="cases run at once")
    parser.add_argument("--backend", default="rules", help="agent backend (default: rules)")
    parser.add_argument("--only", help="run only cases whose id contains this")
    parser.add_argument(
        "--in-process", action="store_true", help="run the CLI's functions here, not processes"
    )
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.cases.read_text(encoding="utf-8"))
        cases = [c for c in data["cases"] if not args.only or args.only in str(c.get("id"))]
        now, tz_name = str(data["now"]), str(data["tz"])
        ZoneInfo(tz_name)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read cases from {args.cases}: {exc}", file=sys.stderr)
        return 2
    command = None if args.in_process else [sys.executable, "-m", "bot"]
    env = {**os.environ, "TODOBOT_AGENT__BACKEND": args.backend}
    repo = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(repo), env.get("PYTHONPATH")) if p)
    # Each worker thread drives one case's processes at a time: --workers processes at once.
    # In process, one case at a time: the work is Python, threads would only take turns.
    workers = 1 if args.in_process else max(1, args.workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            pool.map(
                lambda case: run_case(case, now=now, tz_name=tz_name, command=command, env=env),
                cases,
            )
        )
    summary = summarize(results)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_text(summary)
    return 0 if summary["pass_rate"] >= args.min_pass else 1


if __name__ == "__main__":
    sys.exit(main())
