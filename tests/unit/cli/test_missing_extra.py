"""A missing optional package is answered with the extra that installs it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.cli import _EXTRA_OF_MODULE, extra_for

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_each_optional_module_names_an_extra_of_pyproject() -> None:
    extras = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    assert set(_EXTRA_OF_MODULE.values()) <= set(extras)


def test_the_postgres_driver_points_at_the_postgres_extra() -> None:
    assert extra_for("asyncpg") == "postgres"
    assert extra_for("slack_sdk.web.async_client") == "slack"


def test_an_unknown_module_points_at_all() -> None:
    assert extra_for("somethingelse") == "all"
    assert extra_for(None) == "all"
