"""User references, settings and secrets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli.logs import SecretRedactor
from bot.config import load_settings, secret
from bot.errors import ConfigError, InvalidInput
from bot.identity import UserRef


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("slack:T1:U1", UserRef("slack", "T1", "U1")),
        ("discord:1234", UserRef("discord", "", "1234")),
        ("alice", UserRef("console", "local", "alice")),
    ],
)
def test_user_ref_round_trips(text: str, ref: UserRef) -> None:
    assert UserRef.parse(text) == ref
    assert str(ref) == text


@pytest.mark.parametrize("text", ["", "slack:T1", "discord:", "teams:x:y"])
def test_bad_user_refs_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        UserRef.parse(text)


def test_environment_overrides_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[agent]\nmodel = "from-file"\nmax_rounds = 3\n[database]\nurl = "x"\n')
    settings = load_settings(
        config,
        env={
            "DATABASE_URL": "sqlite:///y.db",
            "TODOBOT_AGENT__MAX_ROUNDS": "9",
            "OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
        },
    )
    assert settings.database_url() == "sqlite:///y.db"
    assert settings.agent.model == "from-file"
    assert settings.agent.max_rounds == 9
    assert settings.agent.base_url == "http://127.0.0.1:1/v1"


def test_default_database_is_sqlite_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = load_settings(tmp_path / "config.toml", env={})
    expected = tmp_path / "data" / "todobot" / "todobot.db"
    assert settings.database_url() == f"sqlite+aiosqlite:///{expected}"
    assert expected.parent.is_dir()


def test_invalid_setting_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[agent]\nbackend = "magic"\n')
    with pytest.raises(ConfigError, match=r"agent\.backend"):
        load_settings(config, env={})


def test_missing_secret_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        secret("SLACK_BOT_TOKEN", env={})
    assert secret("X", env={"X": "abc"}).get_secret_value() == "abc"
    assert "abc" not in repr(secret("X", env={"X": "abc"}))


def test_secrets_are_redacted_from_log_lines() -> None:
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "token is %s", ("xoxb-secret-1",), None
    )
    SecretRedactor(["xoxb-secret-1"]).filter(record)
    assert record.getMessage() == "token is ***"
