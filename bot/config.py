"""Settings: ``config.toml`` for what is not secret, the environment for overrides and secrets.

No module builds settings at import time; the composition root calls :func:`load_settings`
and hands the parts to constructors.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str | None = None
    pool_size: int = Field(default=5, ge=1, le=100)
    connect_timeout: float = Field(default=10.0, gt=0)
    echo: bool = False
    # Every wait on the database is bounded (PostgreSQL; SQLite waits on its lock with
    # ``busy_timeout``): a statement, a row lock, a free connection of the pool.
    statement_timeout: float = Field(default=30.0, gt=0, description="Seconds per statement.")
    lock_timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for a lock.")
    pool_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a free pooled connection."
    )
    busy_timeout: float = Field(
        default=5.0, gt=0, description="SQLite: seconds to wait while another process writes."
    )


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
    api_url: str | None = Field(
        default=None, description="Web API base URL; Slack's own (https://slack.com/api/) if unset."
    )
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=0, le=65535)
    timeout: float = Field(default=10.0, gt=0, description="Seconds for one Web API request.")
    rate_limit_retries: int = Field(default=3, ge=0, le=10, description="Retries after a 429.")
    max_retry_wait: float = Field(
        default=30.0, gt=0, description="Longest Retry-After (seconds) worth waiting for."
    )
    # Many workspaces (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET set): what "Add to Slack" asks for.
    oauth_scopes: list[str] = Field(
        default=[
            "app_mentions:read",
            "channels:history",
            "groups:history",
            "im:history",
            "mpim:history",
            "im:write",
            "chat:write",
            "commands",
            "users:read",
        ],
        description="Bot scopes requested on install: the manifest's (oauth_config.scopes.bot).",
    )
    oauth_redirect_url: str | None = Field(
        default=None,
        description="https://YOUR-HOST/slack/oauth_redirect; unset: the app's only Redirect URL.",
    )


class DiscordSettings(_Section):
    reply_in_thread: bool = Field(
        default=True, description="Answer a mention in a thread started from it, else inline."
    )
    message_content_intent: bool = Field(
        default=False,
        description="Privileged; when enabled here and in the Developer Portal, follow-ups in "
        "the bot's threads need no mention.",
    )
    ephemeral_replies: bool = Field(
        default=True, description="Slash command answers are visible only to the person."
    )
    sync_commands: bool = Field(
        default=True, description="Register slash commands at start-up (one process is enough)."
    )
    command_guild_id: int | None = Field(
        default=None, description="Register slash commands in this server only (development)."
    )
    shard_count: int | None = Field(default=None, ge=1, description="Omit for Discord's advice.")
    shard_ids: list[int] | None = Field(
        default=None, description="The shards this process runs; needs shard_count."
    )
    api_url: str | None = Field(default=None, description="REST base URL (proxy or test fake).")
    gateway_url: str | None = Field(default=None, description="Gateway WebSocket URL.")
    max_ratelimit_timeout: float = Field(
        default=30.0,
        ge=30.0,
        le=600.0,
        description="Longest rate-limit wait in seconds before a request fails instead "
        "(discord.py's minimum is 30).",
    )

    @model_validator(mode="after")
    def _shards_fit(self) -> DiscordSettings:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("shard_ids needs shard_count (the total number of shards)")
        wrong = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
        if wrong or not self.shard_ids:
            raise ValueError(f"shard_ids must be a non-empty list of 0…{self.shard_count - 1}")
        return self


class RemindersSettings(_Section):
    """``[reminders]``: the scheduler runs inside ``todobot run`` unless ``enabled = false``."""

    enabled: bool = True
    at_due_time: bool = True  # a task with a due time reminds then, unless told otherwise
    max_late: timedelta = timedelta(hours=12)  # older ones are folded into one catch-up
    poll_max: timedelta = timedelta(seconds=60)  # longest sleep between two looks
    lease: timedelta = timedelta(minutes=5)  # a claim not finished by then is taken over

    @field_validator("max_late", "poll_max", "lease", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        """ "12h", "30m", "90s", "2d" as well as seconds and ISO 8601 durations."""
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", value.lower())
            if match:
                unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
                return timedelta(seconds=float(match[1]) * unit)
        return value


class PrivacySettings(_Section):
    """``[privacy]``: conversation history older than ``message_retention_days`` is deleted
    by ``todobot run`` (hourly); tasks are never pruned. 0 keeps history forever.
    ``uninstall_grace_days`` after a Slack workspace uninstalls the app, its data is deleted
    (a reinstall before then keeps it)."""

    message_retention_days: int = Field(default=90, ge=0, le=36_500)
    uninstall_grace_days: int = Field(default=30, ge=0, le=3_650)


class LoggingSettings(_Section):
    level: str = "INFO"
    format: Literal["text", "json"] = "text"


class RunSettings(_Section):
    """How ``todobot run`` starts and stops (process managers, load balancers, probes)."""

    drain_seconds: float = Field(
        default=20.0,
        ge=0,
        le=3600,
        description="On SIGTERM/SIGINT: seconds to let running turns finish and post answers.",
    )
    health_host: str = "0.0.0.0"
    health_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port for /healthz, /readyz and /metrics (Slack HTTP mode serves them on "
        "its own port); unset: none.",
    )
    event_lease_seconds: float | None = Field(
        default=None,
        gt=0,
        description="A platform event claimed this long ago and never answered belongs to a "
        "process that died: its next delivery is answered. Default: turn_timeout + 30.",
    )

    def event_lease(self, turn_timeout: float) -> float:
        return self.event_lease_seconds or turn_timeout + 30.0


class Settings(_Section):
    database: DatabaseSettings = DatabaseSettings()
    agent: AgentSettings = AgentSettings()
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    reminders: RemindersSettings = RemindersSettings()
    logging: LoggingSettings = LoggingSettings()
    run: RunSettings = RunSettings()
    privacy: PrivacySettings = PrivacySettings()
    config_dir: Path = Path()

    def database_url(self) -> str:
        """The configured URL, or a SQLite file in the user's data directory (created)."""
        if self.database.url:
            return self.database.url
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{path}"


def default_database_path() -> Path:
    """Where the embedded database lives when no URL is configured: the user's data
    directory (``$XDG_DATA_HOME/todobot`` on Linux), so the list does not depend on the folder
    a command runs in."""
    import platformdirs

    return platformdirs.user_data_path("todobot", appauthor=False) / "todobot.db"


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
