"""PostgreSQL URLs as platforms hand them out, made into what asyncpg understands.

Heroku, Render, Fly, RDS and friends give libpq-style URLs: ``postgres://`` or
``postgresql://`` with ``?sslmode=require``, ``sslrootcert=/path/ca.pem``,
``options=-c search_path=app`` and the like. SQLAlchemy would hand each query parameter to
``asyncpg.connect`` as a keyword argument, and asyncpg has no ``sslmode`` keyword (the
TypeError people saw). asyncpg does read every libpq parameter from a DSN, though, so they
travel in its ``dsn`` argument: they stay in the engine's URL, and any other engine built from
that URL (the turn locks have their own) connects the same way.

Each value is checked here, so a wrong one is a one-line ``ConfigError`` before anything
connects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.engine import URL

from bot.errors import ConfigError

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# libpq parameters asyncpg reads from a DSN (``options`` and ``application_name`` become
# startup settings of the session).
LIBPQ_PARAMETERS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "sslpassword",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "target_session_attrs",
        "options",
        "application_name",
        "krbsrvname",
        "gsslib",
        "passfile",
    }
)
FILE_PARAMETERS = ("sslrootcert", "sslcert", "sslkey", "sslcrl", "passfile")
SESSION_ATTRS = ("any", "primary", "standby", "prefer-standby", "read-write", "read-only")
# Understood by SQLAlchemy's asyncpg dialect itself.
DIALECT_PARAMETERS = frozenset({"prepared_statement_cache_size"})
# The DSN that carries the libpq parameters, with nothing else in it: host, port, user and
# database still come from the URL itself.
DSN_PREFIX = "postgresql://"


def asyncpg_url(url: URL) -> tuple[URL, dict[str, Any]]:
    """``url`` with its libpq parameters moved into asyncpg's ``dsn``, and the connect
    arguments that must override the engine's (``connect_timeout`` → ``timeout``)."""
    query = dict(url.query)
    if "ssl" in query:  # the asyncpg/SQLAlchemy spelling: ?ssl=require (or true)
        value = _single("ssl", query.pop("ssl"))
        query.setdefault("sslmode", "require" if value.lower() == "true" else value)
    overrides: dict[str, Any] = {}
    if "connect_timeout" in query:
        overrides["timeout"] = _seconds(_single("connect_timeout", query.pop("connect_timeout")))
    libpq: dict[str, str] = {}
    for name in list(query):
        if name in LIBPQ_PARAMETERS:
            libpq[name] = _single(name, query.pop(name))
        elif name not in DIALECT_PARAMETERS:
            raise ConfigError(
                f"The database URL has an option todobot does not know: {name!r} "
                f"(known: {', '.join(sorted(LIBPQ_PARAMETERS | {'connect_timeout'}))})."
            )
    _check(libpq)
    if libpq:
        query["dsn"] = f"{DSN_PREFIX}?{urlencode(libpq)}"
    return url.set(query=query), overrides


def _check(libpq: dict[str, str]) -> None:
    mode = libpq.get("sslmode")
    if mode is not None and mode not in SSL_MODES:
        raise ConfigError(
            f"sslmode={mode!r} in the database URL: use one of {', '.join(SSL_MODES)}."
        )
    for name in FILE_PARAMETERS:
        path = libpq.get(name)
        if path is not None and not Path(path).expanduser().is_file():
            raise ConfigError(f"{name}={path!r} in the database URL: there is no such file.")
    attrs = libpq.get("target_session_attrs")
    if attrs is not None and attrs not in SESSION_ATTRS:
        raise ConfigError(
            f"target_session_attrs={attrs!r} in the database URL: use one of "
            f"{', '.join(SESSION_ATTRS)}."
        )


def _single(name: str, value: str | tuple[str, ...]) -> str:
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ConfigError(f"The database URL gives {name} twice, with different values.")
        return value[0]
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ConfigError(f"connect_timeout={value!r} in the database URL: use seconds (> 0).")
    return seconds
