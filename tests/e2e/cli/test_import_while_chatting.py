"""A large ``todobot tasks import`` (its own process) while people chat on the same SQLite
database: no turn fails, and the import is whole."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.chat import ChatService
from bot.conversations import IncomingMessage
from bot.identity import ConversationKey, UserRef
from storage import migrate
from storage.sql import WaitLimits, open_sql_storage
from tests.support.agents import ScriptAgent

IMPORTED = 20_000
# Turns wait this long for another process's write lock before they give up: shorter than
# the default, so an import that held the lock for the whole file (as one did) fails them.
BUSY_SECONDS = 2.0


async def test_turns_go_on_during_a_large_import_and_the_import_is_whole(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'todobot.db'}"
    storage = open_sql_storage(url, limits=WaitLimits(busy=BUSY_SECONDS))
    await migrate.upgrade(storage.engine)
    chat = ChatService(storage=storage, agent=ScriptAgent())
    bob = UserRef("console", "local", "bob")
    path = tmp_path / "tasks.json"
    path.write_text(
        json.dumps(
            [
                {"title": f"imported {n}", "description": "from the old tracker" * 5}
                for n in range(IMPORTED)
            ]
        )
    )

    importer = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--database-url", url,
        "tasks", "import", "--user", "ann", str(path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    replies = []
    try:
        async with asyncio.timeout(300):  # a hang guard only
            while importer.returncode is None:
                add = json.dumps({"calls": [["add_task", {"title": f"t{len(replies)}"}]]})
                key = ConversationKey("console", "local", "bob", "main")
                replies.append(await chat.handle(IncomingMessage(key=key, author=bob, text=add)))
                await asyncio.sleep(0.02)
        _, err = await importer.communicate()
    finally:
        if importer.returncode is None:
            importer.kill()
            await importer.wait()

    assert importer.returncode == 0, err.decode()
    assert err.decode().strip() == f"Imported {IMPORTED} tasks."
    assert len(replies) > 10  # people kept talking while it ran
    failed = [r.text for r in replies if r.is_error or '"ok": true' not in r.text]
    assert failed == []
    ann = await storage.users.find_user(ref=UserRef("console", "local", "ann"))
    assert ann is not None
    imported = await storage.tasks.get_task(user_id=ann.id, number=IMPORTED)
    assert imported.title == f"imported {IMPORTED - 1}"
    await storage.close()
