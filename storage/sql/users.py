"""Users and their platform identities."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations import User
from bot.errors import StorageError
from bot.identity import UserRef
from storage.sql.models import AppUser, UserIdentity
from storage.sql.session import SqlStoreBase


def to_user(row: AppUser) -> User:
    return User(
        id=row.id,
        display_name=row.display_name,
        timezone=row.timezone,
        timezone_pinned=row.timezone_pinned,
    )


async def find_user_row(session: AsyncSession, ref: UserRef) -> AppUser | None:
    return await session.scalar(
        select(AppUser)
        .join(UserIdentity, UserIdentity.user_id == AppUser.id)
        .where(
            UserIdentity.platform == ref.platform,
            UserIdentity.tenant == ref.tenant,
            UserIdentity.external_id == ref.external_id,
        )
    )


async def get_or_create_user_row(
    session: AsyncSession, ref: UserRef, display_name: str | None, timezone: str
) -> AppUser:
    """The user behind ``ref``; a first contact creates the user and the identity.

    Two first messages of one person racing end in an ``IntegrityError`` for the loser, whose
    caller retries (the row then exists).
    """
    row = await find_user_row(session, ref)
    if row is not None:
        return row
    row = AppUser(
        display_name=(display_name or ref.external_id)[:200],
        timezone=timezone,
        timezone_pinned=False,
        next_task_number=1,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    session.add(
        UserIdentity(
            platform=ref.platform, tenant=ref.tenant, external_id=ref.external_id, user_id=row.id
        )
    )
    await session.flush()
    return row


def raced_on_insert(exc: StorageError) -> bool:
    """Whether a store call failed because a concurrent insert of the same key won."""
    return isinstance(exc.__cause__, IntegrityError)


class SqlUserStore(SqlStoreBase):
    async def find_user(self, *, ref: UserRef) -> User | None:
        async with self._tx() as session:
            row = await find_user_row(session, ref)
            return None if row is None else to_user(row)

    async def resolve_user(self, *, ref: UserRef, display_name: str | None, timezone: str) -> User:
        for attempt in range(2):
            try:
                async with self._tx() as session:
                    return to_user(
                        await get_or_create_user_row(session, ref, display_name, timezone)
                    )
            except StorageError as exc:
                if attempt or not raced_on_insert(exc):
                    raise
        raise AssertionError("unreachable")

    async def set_timezone(self, *, user_id: int, timezone: str, pinned: bool = True) -> User:
        async with self._tx() as session:
            row = await session.get_one(AppUser, user_id)
            row.timezone = timezone
            row.timezone_pinned = row.timezone_pinned or pinned
            return to_user(row)

    async def set_display_name(self, *, user_id: int, display_name: str) -> User:
        async with self._tx() as session:
            row = await session.get_one(AppUser, user_id)
            row.display_name = display_name[:200]
            return to_user(row)
