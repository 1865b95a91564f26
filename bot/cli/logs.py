"""Logging for the command line: plain or JSON lines, with secrets redacted and never a
person's words.

JSON lines (``[logging] format = "json"``) carry an ISO 8601 timestamp (UTC, milliseconds) and
the searchable fields a record was given (``extra=``): event id, conversation key, platform,
user, turn milliseconds, outcome.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_SECRET",
    "TODOBOT_TOKEN_KEY",
    "DISCORD_TOKEN",
    "OPENAI_API_KEY",
)


class SecretRedactor(logging.Filter):
    """Replaces any secret's value in a log record with ``***`` (defence in depth)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            message = message.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        record.msg, record.args = message, None
        return True


# Fields a record may carry (``log.info(..., extra={...})``) that JSON lines include.
SEARCH_FIELDS = ("event_id", "conversation", "platform", "user", "turn_ms", "outcome", "kind")

# Libraries that print request bodies, SQL parameters or gateway payloads — people's messages
# and task titles — at DEBUG. They log at INFO at most, whatever the level asked for.
CHATTY_LIBRARIES = (
    "asyncpg",
    "slack_bolt",
    "slack_sdk",
    "adapters.slack.bolt",
    "discord",
    "openai",
    "httpx",
    "httpcore",
    "mcp",
    "aiohttp",
)


def iso_time(record: logging.LogRecord) -> str:
    """``2026-12-02T09:30:00.123+00:00``: zone and milliseconds, sortable and unambiguous."""
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": iso_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in SEARCH_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for a person reading a service's log."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_time(record)


class OneLineFormatter(logging.Formatter):
    """For commands a person runs at a terminal: one line per record, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"todobot: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            line += f" ({type(record.exc_info[1]).__name__})"
        return line


def configure_logging(
    level: str, fmt: str, *, database_url: str | None = None, tracebacks: bool = True
) -> None:
    """Log to stderr. Services (``run``, ``mcp``) log in full; console commands log one line
    per problem (``tracebacks=False``)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    elif tracebacks:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(OneLineFormatter())
    secrets = [os.environ.get(name, "") for name in SECRET_VARIABLES]
    if database_url and "@" in database_url and ":" in database_url.split("@")[0].split("//")[-1]:
        secrets.append(database_url.split("@")[0].split(":")[-1])
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Migration steps are reported by todobot itself; Alembic's own lines are noise at start-up.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in CHATTY_LIBRARIES:
        library = logging.getLogger(name)
        library.setLevel(max(logging.INFO, library.getEffectiveLevel()))
    # aiosqlite logs every statement with its parameters at DEBUG, and nothing else.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    # SQLAlchemy's own default (it sets it only if nobody did before it was imported); SQL
    # echo, when configured, has its own switch ([database] echo) and hides parameters.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
