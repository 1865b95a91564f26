"""``todobot users link / forget / export`` and assignment notices from ``reminders run-once``,
as the command line runs them (a real process on a SQLite file)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.cli.test_cli import export, todobot

pytestmark = pytest.mark.e2e


def chat(url: str, user: str, *lines: str) -> list[dict[str, object]]:
    result = todobot(
        "chat",
        "--user",
        user,
        "--json",
        "--now",
        "2026-11-18T09:00",
        "--tz",
        "UTC",
        stdin="\n".join(lines) + "\n",
        url=url,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_link_needs_yes_without_a_terminal_then_joins(sqlite_url: str) -> None:
    chat(sqlite_url, "ann", "add ann's task")
    chat(sqlite_url, "discord:7", "add discord task")
    refused = todobot("users", "link", "--user", "ann", "--with", "discord:7", url=sqlite_url)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert [t["title"] for t in export(sqlite_url, "discord:7")] == ["discord task"]
    done = todobot("users", "link", "--user", "ann", "--with", "discord:7", "--yes", url=sqlite_url)
    assert done.returncode == 0, done.stderr
    assert "#2" in done.stdout
    assert [t["title"] for t in export(sqlite_url, "discord:7")] == ["ann's task", "discord task"]
    unknown = todobot("users", "link", "--user", "ann", "--with", "nobody", "--yes", url=sqlite_url)
    assert unknown.returncode == 2 and "never used" in unknown.stderr


def test_forget_needs_yes_and_keeps_handed_out_tasks_anonymised(sqlite_url: str) -> None:
    chat(sqlite_url, "ann", "add private", "assign order chairs to @bob")
    data = todobot("users", "export", "--user", "ann", url=sqlite_url)
    assert data.returncode == 0 and "private" in data.stdout
    assert todobot("users", "forget", "--user", "ann", url=sqlite_url).returncode == 2
    gone = todobot("users", "forget", "--user", "ann", "--yes", url=sqlite_url)
    assert gone.returncode == 0 and "1 tasks" in gone.stdout, gone.stdout
    assert export(sqlite_url, "ann") == []
    [chairs] = export(sqlite_url, "bob")
    assert chairs["title"] == "order chairs" and chairs["assigned_by"] == "(forgotten)"


def test_run_once_prints_assignment_notices_once(sqlite_url: str) -> None:
    chat(sqlite_url, "ann", "assign order chairs to @bob by friday")
    first = todobot("reminders", "run-once", "--now", "2026-11-18T09:01", "--json", url=sqlite_url)
    lines = [json.loads(x) for x in first.stdout.splitlines()]
    assert [(x["user"], x["kind"], x["title"]) for x in lines] == [
        ("bob", "assigned", "order chairs")
    ]
    chat(sqlite_url, "bob", "done 1")
    second = todobot("reminders", "run-once", "--now", "2026-11-18T09:02", "--json", url=sqlite_url)
    lines = [json.loads(x) for x in second.stdout.splitlines()]
    assert [(x["user"], x["kind"]) for x in lines] == [("ann", "assigned-done")]
    third = todobot("reminders", "run-once", "--now", "2026-11-18T09:03", "--json", url=sqlite_url)
    assert third.stdout == ""


def test_console_channel_list_is_shared_and_exported_by_channel(sqlite_url: str) -> None:
    for user, line in (("ann", "add order pizza to our list"), ("bob", "add cups to our list")):
        result = todobot(
            "chat",
            "--user",
            user,
            "--channel",
            "team",
            "--json",
            stdin=line + "\n",
            url=sqlite_url,
        )
        assert result.returncode == 0, result.stderr
    shared = todobot("tasks", "export", "--channel", "console/local/channel:team", url=sqlite_url)
    assert shared.returncode == 0, shared.stderr
    rows = json.loads(shared.stdout)
    assert [(r["title"], r["list"]) for r in rows] == [
        ("order pizza", "console/local/channel:team"),
        ("cups", "console/local/channel:team"),
    ]
    assert export(sqlite_url, "ann") == []  # nothing on anyone's personal list


def test_console_reminders_go_where_chosen_not_where_last_written(sqlite_url: str) -> None:
    chat(sqlite_url, "ann", "remind me to water plants at 10am")
    # Not linked to Slack: it can't be chosen; the answer says why, and nothing changes.
    refused = todobot("reminders", "send-on", "--user", "ann", "slack", url=sqlite_url)
    assert refused.returncode == 2 and "can't reach you on Slack" in refused.stderr
    [code] = chat(sqlite_url, "ann", "link my accounts")
    linked = chat(sqlite_url, "slack:T1:UANN", f"link {str(code['reply']).split('`')[1]}")
    assert "Linked" in str(linked[0]["reply"])
    # Ann wrote last on Slack, but chose the console in words on the console.
    [chosen] = chat(sqlite_url, "ann", "remind me on the console")
    assert "on the console from now on" in str(chosen["reply"])
    chat(sqlite_url, "slack:T1:UANN", "list")
    ran = todobot("reminders", "run-once", "--now", "2026-11-18T10:01", "--json", url=sqlite_url)
    lines = [json.loads(x) for x in ran.stdout.splitlines()]
    assert [(x["user"], x["kind"], x["title"]) for x in lines] == [
        ("ann", "reminder", "water plants")
    ]
    back = todobot("reminders", "send-on", "--user", "slack:T1:UANN", "last", url=sqlite_url)
    assert back.returncode == 0 and "wherever you last" in back.stdout
    unknown = todobot("reminders", "send-on", "--user", "nobody", "console", url=sqlite_url)
    assert unknown.returncode == 2 and "never used" in unknown.stderr
