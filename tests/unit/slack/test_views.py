"""App Home and the Add-task modal."""

from __future__ import annotations

import json

import pytest

from adapters.slack import home_views, views
from adapters.slack.home_views import HomePage
from bot.outcomes import TaskPage, parse_outcome
from bot.tasks import DESCRIPTION_MAX


def page_of(result: dict) -> TaskPage:  # type: ignore[type-arg]
    """A ``list_tasks`` answer as the adapter receives it: typed, read from its JSON form."""
    listed = parse_outcome("list_tasks", {"ok": True, **result})
    assert isinstance(listed, TaskPage)
    return listed


def values(**fields: str | None) -> dict:  # type: ignore[type-arg]
    state = {
        name: {"value": {"value": value}} for name, value in fields.items() if name != "priority"
    }
    if "priority" in fields:
        state["priority"] = {"value": {"selected_option": {"value": fields["priority"]}}}
    return state


def test_home_view_rows_and_buttons() -> None:
    tasks = [{"number": 2, "title": "a", "priority": "low", "due_in_words": "today"}]
    view = home_views.home_view(page_of({"tasks": tasks, "total": 1}), page=HomePage(), owner="U1")
    assert view["type"] == "home" and view["private_metadata"] == "open:1"
    [row] = [b for b in view["blocks"] if b.get("block_id") == "task:2"]
    assert row["text"]["text"] == "*#2* a · due today · low priority"
    assert row["accessory"]["value"] == "U1:2"
    assert row["accessory"]["action_id"] == "todo_complete"
    [switch] = [b for b in view["blocks"] if b.get("block_id") == "home:tabs"]
    assert [(e["value"], e.get("style")) for e in switch["elements"]] == [
        ("open:1", "primary"),
        ("completed:1", None),
    ]


def test_completed_home_page_offers_reopen_and_both_page_buttons() -> None:
    tasks = [{"number": n, "title": "t", "priority": "medium"} for n in range(26, 51)]
    result = {"tasks": tasks, "total": 60, "page": 2, "pages": 3, "first": 26, "last": 50}
    view = home_views.home_view(page_of(result), page=HomePage("completed", 2), owner="U1")
    assert len(view["blocks"]) <= 100
    rows = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("task:")]
    assert len(rows) == 25 and {r["accessory"]["action_id"] for r in rows} == {"todo_reopen"}
    [pager] = [b for b in view["blocks"] if b.get("block_id") == "home:pages"]
    assert [(e["action_id"], e["value"]) for e in pager["elements"]] == [
        ("todo_home_prev", "completed:1"),
        ("todo_home_next", "completed:3"),
    ]
    assert "26–50 of 60" in view["blocks"][-2]["elements"][0]["text"]


def test_home_page_values_are_read_strictly() -> None:
    assert HomePage.decode("completed:3") == HomePage("completed", 3)
    for forged in ("all:1", "open:0", "open:-1", "open:x", "", None, "open:1000001"):
        assert HomePage.decode(forged) is None
    assert HomePage("completed", 2).list_arguments() == {
        "status": "completed",
        "sort": "newest",
        "page": 2,
        "page_size": 25,
    }


def test_modal_prefill_fits_the_limits_with_room_for_the_link() -> None:
    modal = views.add_task_modal(title="t" * 900, notes="n" * 9000, source="https://x.test/p1")
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"]}
    assert len(inputs["title"]["initial_value"]) == 500
    notes = inputs["notes"]
    assert len(notes["initial_value"]) == notes["max_length"] < DESCRIPTION_MAX
    assert json.loads(modal["private_metadata"]) == {"source": "https://x.test/p1"}
    assert len(modal["title"]["text"]) <= 24


def test_form_reads_back_and_links_the_source() -> None:
    view = views.add_task_modal(source="https://x.test/p1")
    view["state"] = {
        "values": values(title=" Pay rent ", due="friday", priority="high", notes="IBAN")
    }
    form = views.read_add_task_form(view)
    assert form.errors() == {}
    assert form.arguments() == {
        "title": "Pay rent",
        "due": "friday",
        "priority": "high",
        "description": "IBAN\n\nFrom Slack: https://x.test/p1",
    }


def test_form_without_optional_fields() -> None:
    view = views.add_task_modal()
    view["state"] = {"values": values(title="x", due=None, notes=None, priority="bogus")}
    assert views.read_add_task_form(view).arguments() == {
        "title": "x",
        "priority": "medium",
        "description": "",
    }


def test_blank_title_is_an_error_on_the_title() -> None:
    view = {"state": {"values": values(title="   ")}, "private_metadata": "not json"}
    form = views.read_add_task_form(view)
    assert set(form.errors()) == {"title"}
    assert form.source is None


def test_tool_errors_land_under_the_right_input() -> None:
    typed = views.AddTaskForm("t", "friday", "medium", "", None)
    assert views.tool_error_block("invalid_date", typed) == "due"
    assert views.tool_error_block("invalid_input", typed) == "title"
    assert views.tool_error_block(None, typed) == "title"
    picked = views.AddTaskForm("t", "", "medium", "", None, picked_date="2031-02-01")
    assert views.tool_error_block("invalid_date", picked) == "due_date"
    timed = views.AddTaskForm("t", "", "medium", "", None, picked_time="09:00")
    assert views.tool_error_block("invalid_date", timed) == "due_time"


@pytest.mark.parametrize(
    ("typed", "date", "time", "due"),
    [
        ("", "", "", ""),
        ("friday 5pm", "", "", "friday 5pm"),
        ("", "2031-02-01", "", "2031-02-01"),
        ("", "2031-02-01", "17:00", "2031-02-01 17:00"),
        ("", "", "17:00", "17:00"),
        ("friday", "", "17:00", "friday at 17:00"),
    ],
)
def test_pickers_and_typed_text_make_one_due_text(
    typed: str, date: str, time: str, due: str
) -> None:
    form = views.AddTaskForm("t", typed, "medium", "", None, picked_date=date, picked_time=time)
    assert form.due_text() == due
    assert form.errors() == {}
