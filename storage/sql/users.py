"""Users and their platform identities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from bot.conversations import User
from bot.errors import StorageError
from bot.identity import UserRef
from storage.sql.models import AppUser, UserIdentity
from storage.sql.session import Database, violated_constraint

USER_COLUMNS = (AppUser.id, AppUser.display_name, AppUser.timezone, AppUser.timezone_pinned)

_FIND = (
    select(*USER_COLUMNS)
    .join(UserIdentity, UserIdentity.user_id == AppUser.id)
    .where(
        UserIdentity.platform == bindparam("platform"),
        UserIdentity.tenant == bindparam("tenant"),
        UserIdentity.external_id == bindparam("external_id"),
    )
)
_CREATE = insert(AppUser).returning(*USER_COLUMNS)
_CREATE_IDENTITY = insert(UserIdentity)
_SET_TIMEZONE = (
    update(AppUser)
    .where(AppUser.id == bindparam("uid"))
    .values(
        timezone=bindparam("zone"),
        timezone_pinned=AppUser.timezone_pinned | bindparam("pinned"),
    )
    .returning(*USER_COLUMNS)
)


def to_user(row: Any) -> User:
    return User(
        id=row.id,
        display_name=row.display_name,
        timezone=row.timezone,
        timezone_pinned=bool(row.timezone_pinned),
    )


def identity_params(ref: UserRef) -> dict[str, str]:
    return {"platform": ref.platform, "tenant": ref.tenant, "external_id": ref.external_id}


def finding_user_with(extra: Any) -> Any:
    """A statement that finds the user's row with ``extra`` (a labelled scalar subquery)
    alongside: build it once, run it with ``identity_params`` and the subquery's own."""
    return _FIND.add_columns(extra)


def find_user(conn: Connection, ref: UserRef) -> User | None:
    row = conn.execute(
        _FIND, {"platform": ref.platform, "tenant": ref.tenant, "external_id": ref.external_id}
    ).one_or_none()
    return None if row is None else to_user(row)


def get_or_create_user(
    conn: Connection, ref: UserRef, display_name: str | None, timezone: str
) -> User:
    """The user behind ``ref``; a first contact creates the user and the identity.

    Two first messages of one person racing end in an ``IntegrityError`` for the loser, whose
    caller retries (the row then exists).
    """
    found = find_user(conn, ref)
    if found is not None:
        return found
    user = to_user(
        conn.execute(
            _CREATE,
            {
                "display_name": (display_name or ref.external_id)[:200],
                "timezone": timezone,
                "timezone_pinned": False,
                "next_task_number": 1,
                "created_at": datetime.now(UTC),
            },
        ).one()
    )
    conn.execute(
        _CREATE_IDENTITY,
        {
            "platform": ref.platform,
            "tenant": ref.tenant,
            "external_id": ref.external_id,
            "user_id": user.id,
        },
    )
    return user


def set_timezone(conn: Connection, user_id: int, timezone: str, *, pinned: bool) -> User:
    row = conn.execute(_SET_TIMEZONE, {"uid": user_id, "zone": timezone, "pinned": pinned}).one()
    return to_user(row)


def raced_on_insert(exc: StorageError) -> bool:
    """Whether a store call failed because a concurrent insert of the same key won."""
    return violated_constraint(exc)


class SqlUserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def find_user(self, *, ref: UserRef) -> User | None:
        return await self._db.run(lambda conn: find_user(conn, ref), write=False)

    async def resolve_user(self, *, ref: UserRef, display_name: str | None, timezone: str) -> User:
        found = await self.find_user(ref=ref)
        if found is not None:
            return found
        for attempt in range(2):
            try:
                return await self._db.run(
                    lambda conn: get_or_create_user(conn, ref, display_name, timezone),
                    conflicts=True,
                )
            except StorageError as exc:
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def set_timezone(self, *, user_id: int, timezone: str, pinned: bool = True) -> User:
        return await self._db.run(lambda conn: set_timezone(conn, user_id, timezone, pinned=pinned))
