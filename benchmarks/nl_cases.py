"""The natural-language sample cases (``/work/shared/eval``): load, set up, and check.

The checks follow the format's README: ``added`` (``title_any``, ``priority``, ``due_any``,
``description_contains``; ``add-multi`` exactly that many), ``completed`` / ``reopened`` /
``deleted`` numbers, ``updated``, ``unchanged``, ``reply_mentions`` / ``reply_omits``, and every
setup task not named must be exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.stores import Storage
from bot.tasks import Due, Priority, Task, TaskDraft, TaskQuery

DEFAULT_CASES = Path("/work/shared/eval/nl_sample.json")


@dataclass(frozen=True)
class CaseSet:
    now: datetime
    tz: ZoneInfo
    cases: list[dict[str, Any]]


def load(path: Path = DEFAULT_CASES) -> CaseSet:
    raw = json.loads(path.read_text(encoding="utf-8"))
    tz = ZoneInfo(raw["tz"])
    now = datetime.fromisoformat(raw["now"]).replace(tzinfo=tz)
    return CaseSet(now=now, tz=tz, cases=raw["cases"])


def parse_due(value: str | None, tz: ZoneInfo) -> Due | None:
    if value is None:
        return None
    if "T" in value:
        return Due.at_instant(datetime.fromisoformat(value).replace(tzinfo=tz))
    return Due.on(date.fromisoformat(value))


def due_text(due: Due | None, tz: ZoneInfo) -> str | None:
    """The case format's form: ``YYYY-MM-DD`` or local ``YYYY-MM-DDTHH:MM``."""
    if due is None:
        return None
    if not due.has_time:
        return due.at.date().isoformat()
    return due.at.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


async def set_up(storage: Storage, user_id: int, case: dict[str, Any], cases: CaseSet) -> None:
    for spec in case["setup"]:
        draft = TaskDraft(
            title=spec["title"],
            description=spec.get("description") or "",
            priority=Priority(spec.get("priority") or "medium"),
            due=parse_due(spec.get("due"), cases.tz),
        )
        await storage.tasks.add_task(
            user_id=user_id,
            draft=draft,
            now=cases.now,
            completed_at=cases.now if spec.get("completed") else None,
        )


async def all_tasks(storage: Storage, user_id: int, cases: CaseSet) -> dict[int, Task]:
    tasks = await storage.tasks.list_tasks(
        user_id=user_id, query=TaskQuery(status="all"), now=cases.now, tz=cases.tz, limit=1000
    )
    return {task.number: task for task in tasks}


def _norm(title: str) -> str:
    return title.strip().rstrip(".!?,;:").strip().lower().replace("’", "'")


def _fits(task: Task, want: dict[str, Any], tz: ZoneInfo) -> list[str]:
    """Why ``task`` does not fit the expectation ``want`` (empty when it does)."""
    wrong = []
    if "title_any" in want and _norm(task.title) not in {_norm(t) for t in want["title_any"]}:
        wrong.append(f"title {task.title!r}")
    if "priority" in want and task.priority.value != want["priority"]:
        wrong.append(f"priority {task.priority.value}")
    if "due_any" in want and due_text(task.due, tz) not in want["due_any"]:
        wrong.append(f"due {due_text(task.due, tz)}")
    needle = want.get("description_contains")
    if needle and needle.lower() not in task.description.lower():
        wrong.append(f"description {task.description!r}")
    return wrong


def _same(a: Task, b: Task) -> bool:
    keys = ("title", "description", "priority", "due", "completed_at")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def check(
    case: dict[str, Any],
    before: dict[int, Task],
    after: dict[int, Task],
    reply: str,
    tz: ZoneInfo,
) -> list[str]:
    """Every failed check of ``case``, in words; an empty list means the case passed."""
    expect = case["expect"]
    failures: list[str] = []
    new = [task for number, task in after.items() if number not in before]
    named: set[int] = set()
    for key in ("completed", "reopened", "deleted"):
        named.update(expect.get(key, []))
    named.update(int(n) for n in expect.get("updated", {}))

    changed = (
        new or set(after) != set(before) or any(not _same(before[n], after[n]) for n in before)
    )
    if expect.get("unchanged") and changed:
        failures.append("expected no change to the list")
    added = expect.get("added", [])
    if case["category"] == "add-multi" and len(new) != len(added):
        failures.append(f"expected {len(added)} new tasks, got {len(new)}")
    unused = list(new)
    for want in added:
        match = next((t for t in unused if not _fits(t, want, tz)), None)
        if match is None:
            seen = "; ".join(f"{t.title!r}: {', '.join(_fits(t, want, tz))}" for t in new)
            failures.append(f"no new task fits {want.get('title')!r} ({seen or 'none added'})")
        else:
            unused.remove(match)
    for number in expect.get("completed", []):
        if number not in after or not after[number].completed:
            failures.append(f"#{number} not completed")
    for number in expect.get("reopened", []):
        if number not in after or after[number].completed:
            failures.append(f"#{number} not reopened")
    for number in expect.get("deleted", []):
        if number in after:
            failures.append(f"#{number} not deleted")
    for number, want in expect.get("updated", {}).items():
        task = after.get(int(number))
        if task is None:
            failures.append(f"#{number} missing")
        elif wrong := _fits(task, want, tz):
            failures.append(f"#{number}: {', '.join(wrong)}")
    for number, task in before.items():
        if number not in named and (number not in after or not _same(task, after[number])):
            failures.append(f"#{number} changed but was not named")
    lowered = reply.lower()
    failures.extend(
        f"reply lacks {word!r}"
        for word in expect.get("reply_mentions", [])
        if word.lower() not in lowered
    )
    failures.extend(
        f"reply mentions {word!r}"
        for word in expect.get("reply_omits", [])
        if word.lower() in lowered
    )
    return failures
