"""``todobot tasks export`` and ``tasks import``: a person's list as JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, ValidationError, field_validator

from bot import dates
from bot.chat import utc_now
from bot.cli.wiring import opened_storage
from bot.config import Settings
from bot.errors import InvalidInput
from bot.identity import ConversationKey, UserRef
from bot.tasks import Priority, Task, TaskDraft, TaskImport, TaskQuery
from bot.teams.channel import channel_name, channel_ref
from bot.tools import task_json
from bot.tools.schemas import TASK_NUMBER_MAX, AddTaskArgs

EXPORT_FIELDS = (
    "number",
    "title",
    "description",
    "priority",
    "due",
    "completed",
    "created_at",
    "completed_at",
    "remind_at",
    "repeat",
    "assigned_by",
    "list",
)


class ImportedTask(AddTaskArgs):
    """One task of an import file: the export shape, number and timestamps optional.

    Title, description, priority and due are checked by ``add_task``'s own schema, so an
    import accepts exactly what the tools accept (no NUL, no broken characters, no line
    breaks in a title, bidirectional controls removed).
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    number: int | None = Field(default=None, ge=1, le=TASK_NUMBER_MAX)
    completed: bool = False
    created_at: datetime | None = None
    completed_at: datetime | None = None

    @field_validator("description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("remind_at")
    @classmethod
    def _exact_moment(cls, value: str | None) -> str | None:
        # In a file, a reminder is an exact moment (also a past one: run-once delivers it
        # late), not words read on today's clock.
        if value is not None and _moment(value).tzinfo is None:
            raise ValueError("remind_at must be an ISO 8601 date-time with a UTC offset")
        return value

    @field_validator("created_at", "completed_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps need a UTC offset")
        return value


def export_rows(
    tasks: list[Task], tz: ZoneInfo, now: datetime, assigners: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """``assigners``: who assigned which task (by number; ``""``: a forgotten person)."""
    rows = []
    for task in sorted(tasks, key=lambda t: t.number):
        full = task_json(task, tz=tz, now=now)
        given = (assigners or {}).get(task.number)
        full["assigned_by"] = None if given is None else (given or "(forgotten)")
        full["list"] = "personal"
        rows.append({name: full[name] for name in EXPORT_FIELDS})
    return rows


def format_export(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    lines = []
    for row in rows:
        box = "x" if row["completed"] else " "
        extras = [f"due {row['due']}"] if row["due"] else []
        if row["priority"] != "medium":
            extras.append(f"{row['priority']} priority")
        suffix = f" ({', '.join(extras)})" if extras else ""
        title = row["title"].replace("\n", " ")
        lines.append(f"- [{box}] #{row['number']} {title}{suffix}")
        if row["description"]:
            lines.extend(f"  {part}" for part in row["description"].splitlines())
    return "\n".join(lines)


async def export_tasks(
    settings: Settings, *, user: str | None, fmt: str, channel: str | None = None
) -> str:
    """A person's list, or with ``channel`` (``slack/T1/C1``) that channel's shared list."""
    ref = channel_list_ref(channel) if channel else UserRef.parse(user or "")
    async with opened_storage(settings) as storage:
        found = await storage.users.find_user(ref=ref)
        if found is None:
            return format_export([], fmt)
        tz = dates.zone(found.timezone)
        now = utc_now()
        tasks = await storage.tasks.list_tasks(
            user_id=found.id, query=TaskQuery(status="all"), now=now, tz=tz, limit=1_000_000
        )
        teams = storage.teams
        assigners = await teams.assigners(user_id=found.id) if teams is not None else {}
        rows = export_rows(tasks, tz, now, assigners)
        if channel:
            for row in rows:
                row["list"] = channel_name(ref)
        return format_export(rows, fmt)


def channel_list_ref(key: str) -> UserRef:
    platform, _, rest = key.partition("/")
    tenant, _, channel_id = rest.partition("/")
    if not (platform and tenant and channel_id):
        raise InvalidInput(f"--channel {key!r}: give PLATFORM/TENANT/CHANNEL, e.g. slack/T1/C1.")
    return channel_ref(ConversationKey(platform, tenant, channel_id, ""))


def read_import_file(path: Path) -> list[ImportedTask]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror}.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise InvalidInput(f"{path} is nested too deeply to be a task list.") from exc
    except ValueError as exc:  # an integer of thousands of digits
        raise InvalidInput(f"{path} holds a number too long to be a task's.") from exc
    if not isinstance(raw, list):
        raise InvalidInput(f"{path} must hold a JSON array of tasks.")
    items = []
    for index, entry in enumerate(raw):
        try:
            items.append(ImportedTask.model_validate(entry))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "task"
            why = str(first["msg"]).removeprefix("Value error, ")
            raise InvalidInput(f"{path}: task {index + 1}: {where}: {why}.") from exc
    numbers = [item.number for item in items if item.number is not None]
    if len(numbers) != len(set(numbers)):
        raise InvalidInput(f"{path}: the same task number appears twice.")
    return items


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 date-time") from exc


def _checked_repeat(rule: str | None, *, now: datetime, tz: ZoneInfo) -> str | None:
    return dates.parse_repeat(rule, now=now, tz=tz).rule if rule else None


async def import_tasks(settings: Settings, *, user: str, path: Path, tz: str | None) -> int:
    """Add every task of ``path`` to the user's list, all in one transaction or none."""
    ref = UserRef.parse(user)
    items = read_import_file(path)
    async with opened_storage(settings) as storage:
        account = await storage.users.resolve_user(
            ref=ref,
            display_name=ref.external_id,
            timezone=str(dates.zone(tz)) if tz else settings.agent.default_timezone,
        )
        zone = dates.zone(account.timezone)
        now = utc_now()
        planned = [
            TaskImport(
                draft=TaskDraft(
                    title=item.title,
                    description=item.description,
                    priority=Priority(item.priority),
                    due=dates.parse_due(item.due, now=now, tz=zone) if item.due else None,
                    # Kept as written, also when already past: run-once delivers it as late.
                    remind_at=None
                    if item.completed or not item.remind_at
                    else _moment(item.remind_at),
                    repeat=_checked_repeat(item.repeat, now=now, tz=zone),
                ),
                number=item.number,
                completed_at=(item.completed_at or now) if item.completed else None,
                created_at=item.created_at,
            )
            for item in items
        ]
        added = await storage.tasks.import_tasks(user_id=account.id, tasks=planned, now=now)
        return len(added)
