"""What a SQLite ``todobot chat`` start loads: the start-up target (issue 14) depends on the
libraries a "list" never needs staying unloaded, which only a fresh process can show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Each is a large import that a SQLite chat answering "list" has no use for.
NOT_ON_THE_CHAT_PATH = (
    "alembic",
    "dateparser",
    "platformdirs",
    "sqlalchemy.orm",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.dialects.postgresql",
    "openai",
    "slack_bolt",
    "discord",
    "aiohttp",
    "prometheus_client",
    "mcp",
)

PROBE = """
import json, sys
from bot.cli import main
code = main(["--database-url", sys.argv[1], "chat", "--user", "ann"])
print(json.dumps({"code": code, "loaded": [m for m in sys.argv[2:] if m in sys.modules]}))
"""


def _chat(url: str, text: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url, *NOT_ON_THE_CHAT_PATH],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_sqlite_chat_answers_a_list_without_the_heavy_libraries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'todobot.db'}"
    _chat(url, "add buy milk\n")  # creates and migrates the database (Alembic may load here)
    result = _chat(url, "list\n")
    assert result == {"code": 0, "loaded": []}


GC_PROBE = """
import gc, sys
from bot.cli import main
sys.argv = ["todobot", "--database-url", sys.argv[1], "chat", "--user", "ann"]
code = main()
print(code, gc.isenabled(), gc.get_freeze_count() > 0)
"""


def test_the_command_line_collects_garbage_again_once_the_chat_is_ready(tmp_path: Path) -> None:
    # Collections are held off while the command starts (see bot.cli.main): the session
    # itself must run with them back on, its start-up frozen out of their way.
    url = f"sqlite:///{tmp_path / 'todobot.db'}"
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, url],
        input="add buy milk\nlist\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert "buy milk" in lines[-2]
    assert lines[-1] == "0 True True"


def test_the_tables_are_core_tables_with_their_constraints() -> None:
    from sqlalchemy import Table, select

    from storage.sql.models import SlackBotRow, SlackInstallationRow, TaskRow, metadata

    assert isinstance(TaskRow.__table__, Table)
    assert metadata.tables["task"] is TaskRow.__table__
    assert TaskRow.title.table is TaskRow.__table__
    # NOT NULL unless a column says otherwise; named by the naming convention.
    assert not TaskRow.title.nullable and TaskRow.due_at.nullable
    assert "uq_task_user_id_number" in {c.name for c in TaskRow.__table__.constraints}
    # A shared base's columns are each table's own.
    assert SlackBotRow.team_id.table is SlackBotRow.__table__
    assert SlackInstallationRow.team_id.table is SlackInstallationRow.__table__
    assert str(select(TaskRow.id).select_from(TaskRow)).split() == [
        "SELECT",
        "task.id",
        "FROM",
        "task",
    ]
