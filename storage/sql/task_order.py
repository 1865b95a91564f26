"""A person's list in SQL: filters, the orders of ``bot.tasks.order_key``, one page.

The default order compares due dates by the person's calendar day, where a date alone is its
own day and a date-time falls on the day its instant has in their zone. SQL gets that day as
a number: seconds since the epoch plus the zone's UTC offset at that instant, over 86,400. The
offset comes from a ``CASE`` over the zone's transitions (DST changes) from three years back
to six ahead, computed once per zone; beyond that window the nearest offset applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float, Integer

from bot.tasks import MENTION_SHARE, TaskOrder, TaskQuery
from storage.sql.models import TaskRow

SECONDS_PER_DAY = 86_400
TASK_COLUMNS = tuple(TaskRow.__table__.c)


class local_day(FunctionElement[int]):
    """``local_day(instant, offset_seconds)``: the day number of ``instant`` shifted by the
    offset (days since 1970-01-01)."""

    type = Integer()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: Any, **kw: Any) -> str:
    instant, offset = list(element.clauses)
    return (
        f"((CAST(strftime('%s', {compiler.process(instant, **kw)}) AS INTEGER) + "
        f"{compiler.process(offset, **kw)}) / {SECONDS_PER_DAY})"
    )


@compiles(local_day, "postgresql")
def _local_day_postgres(element: local_day, compiler: Any, **kw: Any) -> str:
    instant, offset = list(element.clauses)
    return (
        f"floor((extract(epoch from {compiler.process(instant, **kw)}) + "
        f"{compiler.process(offset, **kw)}) / {SECONDS_PER_DAY})"
    )


@lru_cache(maxsize=256)
def zone_shifts(zone: str, year: int) -> tuple[int, tuple[tuple[datetime, int], ...]]:
    """The UTC offset (seconds) of ``zone`` before the window around ``year``, and each
    change in it within the window: ``(instant it takes effect, new offset)``."""
    tz = ZoneInfo(zone)
    start = datetime(year - 3, 1, 1, 12, tzinfo=UTC)
    end = datetime(year + 6, 12, 31, 12, tzinfo=UTC)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    first = offset(start)
    changes = []
    day, current = start, first
    while day < end:
        # Zones change their offset at most a few times a year: a week apart at the closest.
        following = day + timedelta(days=7)
        if offset(following) != current:
            low, high = day, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            current = offset(following)
            changes.append((high.replace(microsecond=0), current))
        day = following
    return first, tuple(changes)


def _offset_of(instant: Any, zone: str, year: int) -> ColumnElement[int]:
    first, changes = zone_shifts(zone, year)
    if not changes:
        return literal(first, Integer())
    # Newest change first: the first one the instant is at or after wins.
    whens = [(instant >= at, literal(shift, Integer())) for at, shift in reversed(changes)]
    return case(*whens, else_=literal(first, Integer()))


def due_bounds(query: TaskQuery, *, now: datetime, tz: ZoneInfo) -> dict[str, datetime]:
    """``query``'s due window on the person's calendar (``TaskQuery.matches``), as the
    parameters of ``due_filter``: only the bounds that are set."""
    window = query.window(now=now, tz=tz)
    return {
        name: getattr(window, name)
        for name in window.__slots__
        if getattr(window, name) is not None
    }


_DATE_BOUNDS = {"dates_from": "ge", "dates_to": "le", "dates_overdue_before": "lt"}
_TIME_BOUNDS = {"times_from": "ge", "times_before": "lt", "times_overdue_before": "lt"}


def due_filter(bounds: Sequence[str]) -> ColumnElement[bool]:
    """Tasks due within the named bounds (parameters of the same names; see ``due_bounds``)."""

    def compare(name: str, op: str) -> ColumnElement[bool]:
        value: Any = bindparam(name)
        due = TaskRow.due_at
        found: ColumnElement[bool] = (
            due >= value if op == "ge" else due <= value if op == "le" else due < value
        )
        return found

    dates: list[ColumnElement[bool]] = [TaskRow.due_has_time.is_(false())]
    dates += [compare(n, op) for n, op in _DATE_BOUNDS.items() if n in bounds]
    times: list[ColumnElement[bool]] = [TaskRow.due_has_time.is_(true())]
    times += [compare(n, op) for n, op in _TIME_BOUNDS.items() if n in bounds]
    return and_(TaskRow.due_at.is_not(None), or_(and_(*dates), and_(*times)))


def _priority_rank() -> ColumnElement[int]:
    return case({"high": 0, "medium": 1}, value=TaskRow.priority, else_=2)


def list_order(order: TaskOrder, *, zone: str, year: int) -> list[Any]:
    """ORDER BY for ``order``, the same as ``bot.tasks.order_key`` in ``zone``."""
    done_last = TaskRow.completed_at.is_not(None)
    if order == "number":
        return [done_last, TaskRow.number]
    if order == "newest":
        return [done_last, TaskRow.number.desc()]
    offset = _offset_of(TaskRow.due_at, zone, year)
    shift = case((TaskRow.due_has_time.is_(true()), offset), else_=0)
    by_due: list[Any] = [
        TaskRow.due_at.is_(None),
        local_day(TaskRow.due_at, shift),
        TaskRow.due_has_time,
        TaskRow.due_at,
    ]
    if order == "priority":
        return [done_last, _priority_rank(), *by_due, TaskRow.number]
    return [done_last, *by_due, _priority_rank(), TaskRow.number]


@dataclass(frozen=True, slots=True)
class ListShape:
    """What a list statement's text depends on; the values are its parameters."""

    status: str
    priority: bool
    numbers: bool
    has_due: bool | None
    bounds: tuple[str, ...]
    order: TaskOrder
    zone: str
    year: int
    mentions: tuple[int, ...] = ()  # fragments per mention (``TaskQuery.mentions``)


def mention_params(query: TaskQuery) -> dict[str, Any]:
    """The parameters of ``mention_score`` for ``query``: LIKE patterns and weights."""
    params: dict[str, Any] = {}
    for i, mention in enumerate(query.mentions):
        params[f"mention_{i}"] = mention.weight
        for j, fragment in enumerate(mention.fragments):
            escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params[f"mention_{i}_{j}"] = f"%{escaped}%"
    params["mention_need"] = MENTION_SHARE * sum(m.weight for m in query.mentions)
    return params


def mention_score(shape: Sequence[int]) -> ColumnElement[float]:
    """The weight of the mentions a task's title or description holds (``mention_share``)."""
    text = func.lower(TaskRow.title + literal("\n") + TaskRow.description)
    parts: list[ColumnElement[float]] = []
    for i, count in enumerate(shape):
        found = or_(*(text.like(bindparam(f"mention_{i}_{j}"), escape="\\") for j in range(count)))
        parts.append(case((found, bindparam(f"mention_{i}", type_=Float())), else_=0.0))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


@lru_cache(maxsize=512)
def list_statements(shape: ListShape) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements for ``shape``, built once."""
    where: list[ColumnElement[bool]] = [TaskRow.user_id == bindparam("user_id")]
    if shape.status == "open":
        where.append(TaskRow.completed_at.is_(None))
    elif shape.status == "completed":
        where.append(TaskRow.completed_at.is_not(None))
    if shape.priority:
        where.append(TaskRow.priority == bindparam("priority"))
    if shape.numbers:
        where.append(TaskRow.number.in_(bindparam("numbers", expanding=True)))
    if shape.has_due is not None:
        where.append(TaskRow.due_at.is_not(None) if shape.has_due else TaskRow.due_at.is_(None))
    if shape.bounds:
        where.append(due_filter(shape.bounds))
    order = list_order(shape.order, zone=shape.zone, year=shape.year)
    if shape.mentions:
        named = mention_score(shape.mentions)
        where.append(named >= bindparam("mention_need", type_=Float()))
        order.insert(0, named.desc())
    page = (
        select(*TASK_COLUMNS)
        .where(*where)
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return page, select(func.count()).select_from(TaskRow).where(*where)
