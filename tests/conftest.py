"""Shared fixtures: real databases for integration tests.

PostgreSQL tests use the server named by ``TODOBOT_TEST_POSTGRES_URL`` (for example
``postgresql://postgres@127.0.0.1:5432/postgres``); each test gets a database of its own, created
and dropped around it, so parallel runs never collide. Without the variable they are skipped
with that reason — unless ``TODOBOT_REQUIRE_POSTGRES=1`` (CI), where a skip is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from storage import migrate
from storage.sql import SqlStorage, open_sql_storage

POSTGRES_ENV = "TODOBOT_TEST_POSTGRES_URL"
REQUIRE_ENV = "TODOBOT_REQUIRE_POSTGRES"


def _postgres_server() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    reason = f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1/postgres)"
    if not url:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 forbids skipping them")
        pytest.skip(reason)
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _admin(server: str, sql: str) -> None:
    import asyncpg

    try:
        conn = await asyncpg.connect(server, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        message = f"PostgreSQL at {POSTGRES_ENV} is unreachable: {exc}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """Create an empty database on the test server; drop it afterwards."""
    server = _postgres_server()
    name = f"todobot_test_{uuid.uuid4().hex[:12]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for this test."""
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'todobot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test using it runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'todobot.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@asynccontextmanager
async def migrated_storage(url: str) -> AsyncIterator[SqlStorage]:
    store = open_sql_storage(url)
    await migrate.upgrade(store.engine)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    """A migrated ``SqlStorage`` on SQLite and on PostgreSQL."""
    async with migrated_storage(database_url) as store:
        yield store


@pytest.fixture
async def sqlite_storage(sqlite_url: str) -> AsyncIterator[SqlStorage]:
    async with migrated_storage(sqlite_url) as store:
        yield store


@pytest.fixture
def unreachable_database_url() -> str:
    """A PostgreSQL URL nobody listens on: the "database is down" case."""
    return "postgresql+asyncpg://todobot@127.0.0.1:9/todobot"


@pytest.fixture(autouse=True, scope="session")
def _nothing_from_the_developers_shell(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Tests never reach a real model or database named in the shell: with OPENAI_API_KEY set,
    ``backend = "auto"`` would send the processes the tests spawn to OpenAI. The default
    database (in the user's data directory) is a temporary one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TODOBOT_AGENT__BACKEND", "DATABASE_URL"):
            patch.delenv(name, raising=False)
        yield
