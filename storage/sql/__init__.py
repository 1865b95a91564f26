"""SQL storage on SQLAlchemy 2 async: SQLite (aiosqlite) by default, PostgreSQL (asyncpg)."""

from storage.sql.engine import WaitLimits, create_sql_engine, normalize_url
from storage.sql.storage import SqlStorage, open_sql_storage

__all__ = ["SqlStorage", "WaitLimits", "create_sql_engine", "normalize_url", "open_sql_storage"]
