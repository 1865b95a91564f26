"""Database URLs as managed PostgreSQL services hand them out (libpq style)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.errors import ConfigError, StorageUnavailable
from bot.identity import UserRef
from storage import migrate
from storage.sql import open_sql_storage
from storage.sql.engine import normalize_url
from storage.sql.urls import asyncpg_url


def dsn_params(url: str) -> dict[str, list[str]]:
    translated, _ = asyncpg_url(normalize_url(url))
    return parse_qs(urlsplit(translated.query["dsn"]).query)  # type: ignore[arg-type]


def test_libpq_parameters_travel_in_asyncpg_dsn_and_the_rest_stays() -> None:
    url = "postgres://u:pw@db.example.com:6543/app?sslmode=require&options=-c%20search_path%3Dapp"
    translated, overrides = asyncpg_url(normalize_url(url))
    assert translated.drivername == "postgresql+asyncpg"
    assert (translated.host, translated.port, translated.database) == (
        "db.example.com",
        6543,
        "app",
    )
    assert translated.password == "pw"
    assert set(translated.query) == {"dsn"}
    assert dsn_params(url) == {"sslmode": ["require"], "options": ["-c search_path=app"]}
    assert overrides == {}


@pytest.mark.parametrize(
    "mode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
)
def test_every_sslmode_is_accepted(mode: str) -> None:
    assert dsn_params(f"postgresql://u@h/db?sslmode={mode}") == {"sslmode": [mode]}


def test_the_asyncpg_spelling_and_a_connect_timeout_are_understood() -> None:
    assert dsn_params("postgresql://u@h/db?ssl=true") == {"sslmode": ["require"]}
    _, overrides = asyncpg_url(normalize_url("postgresql://u@h/db?connect_timeout=7"))
    assert overrides == {"timeout": 7.0}


def test_a_root_certificate_that_exists_is_passed_on(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not checked until connecting")
    params = dsn_params(f"postgresql://u@h/db?sslmode=verify-full&sslrootcert={ca}")
    assert params == {"sslmode": ["verify-full"], "sslrootcert": [str(ca)]}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("sslmode=required", "sslmode='required'"),
        ("sslmode=verify-full&sslrootcert=/no/such/ca.pem", "sslrootcert='/no/such/ca.pem'"),
        ("connect_timeout=soon", "connect_timeout='soon'"),
        ("target_session_attrs=fastest", "target_session_attrs='fastest'"),
        ("sslmode=require&sslmode=disable", "sslmode twice"),
        ("colour=blue", "'colour'"),
    ],
)
def test_a_bad_value_is_one_line(query: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        open_sql_storage(f"postgresql://u@h/db?{query}")
    message = str(raised.value)
    assert says in message and "\n" not in message


def test_a_url_without_parameters_is_left_alone() -> None:
    url = normalize_url("postgresql://u@h/db")
    assert asyncpg_url(url) == (url, {})
    assert make_url("sqlite:///x.db").query == {}


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["disable", "prefer"])
async def test_sslmode_urls_connect_to_a_server_without_tls(postgres_url: str, mode: str) -> None:
    storage = open_sql_storage(f"{postgres_url}?sslmode={mode}")
    try:
        await migrate.upgrade(storage.engine)
        assert await migrate.current(storage.engine) == migrate.head_revision()
    finally:
        await storage.close()


@pytest.mark.postgres
async def test_options_become_settings_of_every_session(postgres_url: str) -> None:
    storage = open_sql_storage(f"{postgres_url}?options=-c%20statement_timeout%3D4321")
    try:
        async with storage.engine.connect() as conn:
            assert await conn.scalar(text("SHOW statement_timeout")) == "4321ms"
            # The engine's own settings are kept beside them.
            assert await conn.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
    finally:
        await storage.close()


@pytest.mark.postgres
async def test_sslmode_require_against_a_server_without_tls_is_unreachable(
    postgres_url: str,
) -> None:
    # The shared test server runs without TLS, as CI's does.
    storage = open_sql_storage(f"{postgres_url}?sslmode=require", connect_timeout=5)
    try:
        with pytest.raises(StorageUnavailable):
            await storage.users.find_user(ref=UserRef.parse("s"))
    finally:
        await storage.close()
