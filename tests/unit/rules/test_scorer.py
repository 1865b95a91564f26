"""The case scorer's checks: they pass what the format allows and fail what it forbids."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.score_nl_cases import check_case

UTC = ZoneInfo("UTC")
SETUP = [
    {"title": "pay rent", "priority": "high", "due": "2026-11-28", "completed": False},
    {"title": "call landlord", "priority": "medium", "due": None, "completed": False},
]


def exported(*changes: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> list[dict]:
    rows = [
        {
            "number": 1,
            "title": "pay rent",
            "description": "",
            "priority": "high",
            "due": "2026-11-28",
            "completed": False,
        },
        {
            "number": 2,
            "title": "call landlord",
            "description": "",
            "priority": "medium",
            "due": None,
            "completed": False,
        },
    ]
    for change in changes:
        rows[change["number"] - 1].update(change)
    return rows + (extra or [])


def case(expect: dict[str, Any], category: str = "update") -> dict[str, Any]:
    return {"id": "t", "category": category, "setup": SETUP, "say": "…", "expect": expect}


def test_an_update_that_fits_passes() -> None:
    after = exported({"number": 1, "due": "2026-12-01"})
    assert check_case(case({"updated": {"1": {"due_any": ["2026-12-01"]}}}), after, "", UTC) == []


def test_changing_a_task_not_named_fails() -> None:
    after = exported({"number": 1, "due": "2026-12-01"}, {"number": 2, "priority": "low"})
    failures = check_case(case({"updated": {"1": {"due_any": ["2026-12-01"]}}}), after, "", UTC)
    assert failures == ["#2 'call landlord' changed: priority"]


def test_unchanged_and_reply_checks() -> None:
    expect = {"unchanged": True, "reply_mentions": ["rent"], "reply_omits": ["landlord"]}
    assert check_case(case(expect), exported(), "pay rent is due", UTC) == []
    failures = check_case(case(expect), exported({"number": 2, "completed": True}), "landlord", UTC)
    assert len(failures) == 3


def test_added_tasks_match_titles_dates_and_count() -> None:
    new = {
        "number": 3,
        "title": "Buy milk.",
        "description": "2 liters",
        "priority": "medium",
        "due": "2026-11-19T17:00+00:00",
        "completed": False,
    }
    spec = {
        "title_any": ["buy milk"],
        "due_any": ["2026-11-19T17:00"],
        "description_contains": "liters",
    }
    assert check_case(case({"added": [spec]}, "add"), exported(extra=[new]), "", UTC) == []
    two = [spec, {"title_any": ["eggs"]}]
    failures = check_case(case({"added": two}, "add-multi"), exported(extra=[new]), "", UTC)
    assert any("expected exactly 2" in f for f in failures)
    assert any("no new task fits ['eggs']" in f for f in failures)


def test_completed_deleted_reopened() -> None:
    after = [exported()[0] | {"completed": True}]
    assert check_case(case({"completed": [1], "deleted": [2]}), after, "", UTC) == []
    assert check_case(case({"reopened": [1]}), exported(), "", UTC) == []
    assert check_case(case({"deleted": [1]}), exported(), "", UTC) == ["#1 should be deleted"]
