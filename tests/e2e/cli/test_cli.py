"""The ``todobot`` command line as scripts use it: real processes, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

NOW = "2026-11-18T09:00"


def todobot(
    *args: str, stdin: str = "", url: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot"]
    if url:
        command += ["--database-url", url]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def export(url: str, user: str = "ann") -> list[dict[str, object]]:
    result = todobot("tasks", "export", "--user", user, url=url)
    assert result.returncode == 0, result.stderr
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_a_conversation_survives_a_restart(sqlite_url: str) -> None:
    first = todobot(
        "chat",
        "--user",
        "ann",
        "--now",
        NOW,
        "--json",
        stdin="add buy milk tomorrow high priority\nadd call the bank\n",
        url=sqlite_url,
    )
    assert first.returncode == 0, first.stderr
    answers = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(answers) == 2
    assert answers[0]["tool_calls"][0]["name"] == "add_task"
    assert "buy milk" in answers[0]["reply"]
    # A new process: the list is still there, and done/delete act on it.
    second = todobot(
        "chat",
        "--user",
        "ann",
        "--now",
        NOW,
        "--json",
        stdin="what's on my list?\ndone 1\ndelete 2\n",
        url=sqlite_url,
    )
    assert second.returncode == 0, second.stderr
    listed, done, deleted = (json.loads(line) for line in second.stdout.splitlines())
    assert "buy milk" in listed["reply"]
    assert "call the bank" in listed["reply"]
    assert done["tool_calls"][0]["name"] == "complete_task"
    assert deleted["tool_calls"][0]["name"] == "delete_task"
    tasks = export(sqlite_url)
    assert [(t["number"], t["title"], t["completed"], t["priority"], t["due"]) for t in tasks] == [
        (1, "buy milk", True, "high", "2026-11-19")
    ]


def test_plain_chat_prints_one_answer_per_line_of_input(sqlite_url: str) -> None:
    result = todobot("chat", "--user", "bo", stdin="help\n\nadd water plants\n", url=sqlite_url)
    assert result.returncode == 0, result.stderr
    answers = result.stdout.strip().split("\n\n") if "\n\n" in result.stdout else None
    assert "water plants" in result.stdout
    assert answers is None or len(answers) == 2
    assert "Traceback" not in result.stdout + result.stderr


def test_import_then_export_round_trips(sqlite_url: str, tmp_path: Path) -> None:
    tasks = [
        {"title": "pay rent", "priority": "high", "due": "2026-12-01"},
        {
            "number": 5,
            "title": "flights",
            "description": "aisle seat",
            "due": "2026-12-05T17:00+01:00",
            "completed": True,
            "completed_at": "2026-11-17T10:00:00+00:00",
        },
        {"title": "call mum"},
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks))
    result = todobot(
        "tasks", "import", "--user", "ann", "--tz", "Europe/Berlin", str(path), url=sqlite_url
    )
    assert result.returncode == 0, result.stderr
    exported = export(sqlite_url)
    assert [t["number"] for t in exported] == [5, 6, 7]
    flights = exported[0]
    assert flights["due"] == "2026-12-05T17:00+01:00"
    assert flights["completed"] is True
    assert flights["completed_at"] == "2026-11-17T10:00:00+00:00"
    assert exported[1]["due"] == "2026-12-01"
    assert set(exported[0]) == {
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
    }
    assert exported[0]["assigned_by"] is None and exported[0]["list"] == "personal"
    csv_out = todobot("tasks", "export", "--user", "ann", "--format", "csv", url=sqlite_url)
    assert csv_out.stdout.splitlines()[0].startswith("number,title,description")
    md_out = todobot("tasks", "export", "--user", "ann", "--format", "markdown", url=sqlite_url)
    assert "- [x] #5 flights" in md_out.stdout
    assert "- [ ] #6 pay rent (due 2026-12-01, high priority)" in md_out.stdout


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"title": "not a list"}',
        '[{"title": ""}]',
        '[{"title": "ok"}, {"title": "bad", "priority": "urgent"}]',
        '[{"title": "x", "due": "whenever-ish"}]',
        '[{"number": 1, "title": "a"}, {"number": 1, "title": "b"}]',
    ],
)
def test_malformed_import_is_one_line_and_writes_nothing(
    sqlite_url: str, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = todobot("tasks", "import", "--user", "ann", str(path), url=sqlite_url)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert export(sqlite_url) == []


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("mysql://root@127.0.0.1/test", "Unsupported database"),
        ("not a url", "Cannot parse"),
        ("postgresql://todobot:hunter2secret@127.0.0.1:9/x", "cannot reach the database"),
    ],
)
def test_database_problems_are_one_clear_line(url: str, needle: str) -> None:
    result = todobot("tasks", "export", "--user", "ann", url=url)
    assert result.returncode != 0
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "hunter2secret" not in result.stderr


def test_missing_config_file_and_bad_user_are_one_line(sqlite_url: str, tmp_path: Path) -> None:
    missing = todobot("--config", str(tmp_path / "nope.toml"), "db", "current")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    bad_user = todobot("tasks", "export", "--user", "teams:x:y", url=sqlite_url)
    assert bad_user.returncode == 2
    assert "Unrecognised user reference" in bad_user.stderr


@pytest.mark.postgres
def test_db_commands_on_postgres(postgres_url: str) -> None:
    assert todobot("db", "current", url=postgres_url).stdout.startswith("base")
    # Refuses to run on a stale schema instead of migrating a shared database behind your back.
    stale = todobot("tasks", "export", "--user", "ann", url=postgres_url)
    assert stale.returncode == 2
    assert "todobot db upgrade" in stale.stderr
    assert todobot("db", "upgrade", url=postgres_url).returncode == 0
    assert "(head)" in todobot("db", "current", url=postgres_url).stdout
    assert todobot("db", "downgrade", "base", url=postgres_url).stdout.startswith("base")


def test_import_refuses_numbers_already_used_and_writes_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "first.json"
    first.write_text(json.dumps([{"title": "a"}, {"title": "b"}]))
    assert todobot("tasks", "import", "--user", "ann", str(first), url=sqlite_url).returncode == 0
    again = tmp_path / "again.json"
    again.write_text(json.dumps([{"number": 9, "title": "fine"}, {"number": 2, "title": "reuse"}]))
    result = todobot("tasks", "import", "--user", "ann", str(again), url=sqlite_url)
    assert result.returncode == 2
    assert "never reused" in result.stderr
    assert [t["title"] for t in export(sqlite_url)] == ["a", "b"]


@pytest.mark.postgres
def test_import_failing_inside_the_database_writes_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    assert todobot("db", "upgrade", url=postgres_url).returncode == 0
    path = tmp_path / "tasks.json"
    # PostgreSQL refuses NUL in text: the second insert fails after the first succeeded.
    path.write_text(json.dumps([{"title": "fine"}, {"title": "bad\u0000title"}]))
    result = todobot("tasks", "import", "--user", "ann", str(path), url=postgres_url)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
    assert export(postgres_url) == []


@pytest.mark.postgres
def test_database_lost_mid_chat_is_one_apology_and_one_log_line(postgres_url: str) -> None:
    import asyncio

    from tests.conftest import _admin, _postgres_server

    assert todobot("db", "upgrade", url=postgres_url).returncode == 0
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "--database-url",
            postgres_url,
            "chat",
            "--user",
            "ann",
            "--json",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("add water plants\n")
    process.stdin.flush()
    assert "water plants" in json.loads(process.stdout.readline())["reply"]
    name = postgres_url.rpartition("/")[2]
    asyncio.run(_admin(_postgres_server(), f'DROP DATABASE "{name}" WITH (FORCE)'))
    out, err = process.communicate("what's on my list?\n", timeout=60)
    assert process.returncode == 0
    assert "can't reach my database" in json.loads(out.splitlines()[-1])["reply"]
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_line_that_is_not_utf8_is_refused_and_the_next_one_is_answered(
    sqlite_url: str,
) -> None:
    command = [sys.executable, "-m", "bot", "--database-url", sqlite_url, "chat", "--user", "enc"]
    result = subprocess.run(
        [*command, "--json"],
        input=b"add caf\xe9 au lait\nadd call mum\n",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert "isn't UTF-8" in first["reply"] and "didn't store it" in first["reply"]
    assert first["tool_calls"] == []
    assert second["tool_calls"][0]["result"]["ok"] is True
    assert [task["title"] for task in export(sqlite_url, "enc")] == ["call mum"]
    assert result.stderr == b""


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('[{"title": "a\\u0000b"}]', "title: must not contain control characters"),
        ('[{"title": "two\\u2028lines"}]', "title: must be a single line"),
        ('[{"title": "broken \\ud800"}]', "title: Input should be a valid string"),
        ('[{"title": "x", "number": 2147483648}]', "number: Input should be less than"),
        ('[{"title": "x", "priority": "urgent"}]', "priority:"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"title": "x", "number": 1' + "0" * 5000 + "}]", "number too long"),
    ],
)
def test_import_refuses_what_the_tools_refuse_in_one_line(
    sqlite_url: str, tmp_path: Path, content: str, says: str
) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(content, encoding="utf-8")
    result = todobot("tasks", "import", "--user", "imp", str(path), url=sqlite_url)
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "unexpected error" not in result.stderr
    assert export(sqlite_url, "imp") == []


def test_import_removes_bidirectional_controls_from_titles(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"title": "invoice\u202efdp.exe", "description": "\u2066x\u2069"}]))
    result = todobot("tasks", "import", "--user", "imp", str(path), url=sqlite_url)
    assert result.returncode == 0, result.stderr
    [task] = export(sqlite_url, "imp")
    assert (task["title"], task["description"]) == ("invoicefdp.exe", "x")


def test_version_and_help_for_every_command() -> None:
    version = todobot("--version")
    assert version.returncode == 0 and version.stdout.startswith("todobot ")
    for command in (
        [],
        ["chat"],
        ["tasks"],
        ["tasks", "export"],
        ["tasks", "import"],
        ["db"],
        ["db", "upgrade"],
        ["db", "downgrade"],
        ["db", "current"],
        ["run"],
        ["mcp"],
    ):
        shown = todobot(*command, "--help")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith("usage: todobot")


def test_bare_run_without_secrets_names_the_variables(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "run"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "todobot: Nothing to run: name a platform (todobot run slack) or set SLACK_BOT_TOKEN / "
        "DISCORD_TOKEN."
    )
