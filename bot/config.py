"""Settings: ``config.toml`` for what is not secret, the environment for overrides and secrets.

No module builds settings at import time; the composition root calls :func:`load_settings`
and hands the parts to constructors.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from bot.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str | None = None
    pool_size: int = Field(default=5, ge=1, le=100)
    connect_timeout: float = Field(default=10.0, gt=0)
    echo: bool = False


class AgentSettings(_Section):
    backend: Literal["auto", "rules", "openai", "hybrid"] = "auto"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout: float = Field(default=30.0, gt=0, description="Seconds for one model request.")
    max_retries: int = Field(default=2, ge=0, le=10)
    max_rounds: int = Field(default=6, ge=1, le=20)
    turn_timeout: float = Field(default=90.0, gt=0, description="Seconds for a whole turn.")
    default_timezone: str = "UTC"
    history_messages: int = Field(default=20, ge=0, le=500)
    history_chars: int = Field(default=8000, ge=0)
    max_message_chars: int = Field(default=4000, ge=100)


class SlackSettings(_Section):
    api_url: str | None = None
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"
    http_port: int = 3000


class DiscordSettings(_Section):
    reply_in_thread: bool = True
    message_content_intent: bool = False
    command_guild_id: int | None = None
    shard_count: int | None = None
    shard_ids: list[int] | None = None
    api_url: str | None = None
    gateway_url: str | None = None
    max_ratelimit_timeout: float = 30.0


class RemindersSettings(_Section):
    enabled: bool = False


class LoggingSettings(_Section):
    level: str = "INFO"
    format: Literal["text", "json"] = "text"


class Settings(_Section):
    database: DatabaseSettings = DatabaseSettings()
    agent: AgentSettings = AgentSettings()
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    reminders: RemindersSettings = RemindersSettings()
    logging: LoggingSettings = LoggingSettings()
    config_dir: Path = Path()

    def database_url(self) -> str:
        """The configured URL, or a SQLite file beside the config."""
        if self.database.url:
            return self.database.url
        return f"sqlite+aiosqlite:///{(self.config_dir / 'todobot.db').resolve()}"


# Ecosystem names that override a setting, besides the generic TODOBOT_<SECTION>__<KEY>.
_ENV_OVERRIDES = {
    "DATABASE_URL": ("database", "url"),
    "SLACK_API_URL": ("slack", "api_url"),
    "OPENAI_BASE_URL": ("agent", "base_url"),
}


def load_settings(
    path: Path | None = None, *, env: Mapping[str, str] | None = None, must_exist: bool = False
) -> Settings:
    """Read ``path`` (default ``./config.toml``) and apply environment overrides."""
    env = os.environ if env is None else env
    path = path or Path("config.toml")
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read {path}: {exc}") from exc
    elif must_exist:
        raise ConfigError(f"Config file {path} does not exist.")
    for name, value in env.items():
        if name in _ENV_OVERRIDES and value:
            section, key = _ENV_OVERRIDES[name]
            raw.setdefault(section, {})[key] = value
        elif name.startswith("TODOBOT_") and "__" in name:
            section, _, key = name[len("TODOBOT_") :].lower().partition("__")
            raw.setdefault(section, {})[key] = _env_value(value)
    raw["config_dir"] = str(path.parent.resolve())
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"Invalid setting {where}: {first['msg']}") from exc


def _env_value(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def secret(name: str, env: Mapping[str, str] | None = None) -> SecretStr:
    """A secret from the environment, or a one-line ``ConfigError`` naming the variable."""
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        raise ConfigError(
            f"{name} is not set. Export it in the environment (it is a secret, so "
            "it is never read from config.toml)."
        )
    return SecretStr(value)


def optional_secret(name: str, env: Mapping[str, str] | None = None) -> SecretStr | None:
    value = (os.environ if env is None else env).get(name, "").strip()
    return SecretStr(value) if value else None
