"""The tables. Singular snake_case names, UTC ``_at`` timestamps, named constraints.

Each table is written as a class whose attributes are its columns (``TaskRow.id``), usable
wherever SQLAlchemy Core takes a table (``select(…).select_from(TaskRow)``, ``insert(TaskRow)``).
They are plain Core ``Table`` objects, not ORM mappings: nothing in todobot loads rows into
objects, and the declarative ORM (``sqlalchemy.orm`` and the mapping of each class) was a fifth
of a start-up. ``metadata`` holds them all for Alembic (migrations/env.py, autogenerate).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql import false, text
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.types import TypeEngine

from storage.sql.types import UTCDateTime

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


# Partial indexes name only ``sqlite_where`` here. The migrations create them with the same
# WHERE on PostgreSQL too, but a ``postgresql_*`` argument makes SQLAlchemy load the whole
# PostgreSQL dialect (every driver module) when this module is imported: a tenth of a SQLite
# start-up, for an argument nothing at run time reads.


# The assignments whose outcome (done, declined) the poll still has to tell the giver.
OUTCOME_DUE = "state = 'open' AND (task_id IS NULL OR task_completed_at IS NOT NULL)"


metadata = MetaData(naming_convention=NAMING_CONVENTION)


def column(
    type_: TypeEngine[T] | type[TypeEngine[T]],
    *args: SchemaItem,
    nullable: bool = False,
    **kwargs: Any,
) -> ColumnClause[T]:
    """A column, NOT NULL unless ``nullable=True`` (``Column``'s own default is the reverse).

    Typed as the ``ColumnClause`` it is: SQLAlchemy types a ``Column`` read from a class as
    unusable (``Never``), to stop ORM-style use of its ``TypedColumns``; these classes are
    meant to be read that way, and only Core statements see them."""
    return Column(type_, *args, nullable=nullable, **kwargs)


class SqlTable:
    """A table written as a class: each ``Column`` attribute, named after the attribute, is
    a column of ``__table__``, built in ``metadata`` when the class is defined. A base class
    that is not a table (no ``__tablename__``) lends its columns to each table below it."""

    __tablename__: ClassVar[str]
    __table__: ClassVar[Table]
    __table_args__: ClassVar[tuple[Any, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__tablename__" not in vars(cls):
            return
        columns: list[Column[Any]] = []
        named: set[str] = set()
        # The table's own columns first, then those it takes from a base (the declarative
        # ORM's order, which the migrations and the schema comparison follow).
        for owner in cls.__mro__:
            for name, value in vars(owner).items():
                if not isinstance(value, Column) or name in named:
                    continue
                named.add(name)
                if owner is not cls:
                    # A column belongs to one table: each table gets its own copy of a shared
                    # one (as the declarative ORM does for mixins).
                    value = value._copy()
                    setattr(cls, name, value)
                if value.name is None:
                    value.name = name
                value.key = name
                columns.append(value)
        cls.__table__ = Table(cls.__tablename__, metadata, *columns, *cls.__table_args__)

    @classmethod
    def __clause_element__(cls) -> Table:
        # What makes the class itself usable as the table in Core statements.
        return cls.__table__


class AppUser(SqlTable):
    __tablename__ = "app_user"

    id = column(BigId, primary_key=True)
    display_name = column(String(200))
    timezone = column(String(64))
    # True once the person chose the zone; a platform's profile zone then no longer replaces it.
    timezone_pinned = column(Boolean, server_default=false())
    next_task_number = column(Integer, server_default="1")
    created_at = column(UTCDateTime())
    # Where reminders and notices go: None for the platform last written on.
    notice_platform = column(String(16), nullable=True)


class UserIdentity(SqlTable):
    __tablename__ = "user_identity"

    platform = column(String(16), primary_key=True)
    tenant = column(String(64), primary_key=True)
    external_id = column(String(128), primary_key=True)
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)


class ConversationRow(SqlTable):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("platform", "tenant", "channel_id", "thread_id"),)

    id = column(BigId, primary_key=True)
    platform = column(String(16))
    tenant = column(String(64))
    channel_id = column(String(128))
    thread_id = column(String(128))
    created_at = column(UTCDateTime())
    updated_at = column(UTCDateTime())


class MessageRow(SqlTable):
    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'assistant')", name="role"),
        Index("ix_message_conversation_id_created_at", "conversation_id", "created_at"),
    )

    id = column(BigId, primary_key=True)
    conversation_id = column(BigId, ForeignKey("conversation.id", ondelete="CASCADE"))
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    role = column(String(16))
    content = column(Text)
    # SQL NULL, not the JSON text "null", for a message without tool calls.
    tool_calls = column(JSON(none_as_null=True), nullable=True)
    tokens_used = column(Integer, nullable=True)
    platform_message_id = column(String(128), nullable=True)
    created_at = column(UTCDateTime())


class TaskRow(SqlTable):
    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        CheckConstraint("priority IN ('low', 'medium', 'high')", name="priority"),
        CheckConstraint("number > 0", name="number_positive"),
        # Serves "my open tasks by due date": filter on user and completion, ordered by due.
        Index("ix_task_user_id_completed_at_due_at", "user_id", "completed_at", "due_at"),
        # The reminder queue: only pending reminders are in it, so a poll is a short range scan
        # whatever the number of tasks.
        Index(
            "ix_task_remind_at",
            "remind_at",
            sqlite_where=text("remind_at IS NOT NULL"),
        ),
    )

    id = column(BigId, primary_key=True)
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"))
    number = column(Integer)
    title = column(String(500))
    description = column(Text, server_default="")
    priority = column(String(8), server_default="medium")
    due_at = column(UTCDateTime(), nullable=True)
    due_has_time = column(Boolean, server_default="0")
    completed_at = column(UTCDateTime(), nullable=True)
    created_at = column(UTCDateTime())
    updated_at = column(UTCDateTime())
    remind_at = column(UTCDateTime(), nullable=True)
    reminded_at = column(UTCDateTime(), nullable=True)
    repeat = column(String(500), nullable=True)
    # Where the reminder was asked for, as a JSON array [platform, tenant, channel, thread].
    place = column(String(400), nullable=True)


class ReminderDelivery(SqlTable):
    """One reminder or digest claimed for delivery; ``dedup_key`` makes each claim unique."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('reminder', 'digest', 'assigned', 'assigned-done', 'assigned-declined')",
            name="kind",
        ),
        CheckConstraint("state IN ('claimed', 'sent', 'failed')", name="state"),
        # Serves the search for claims whose process died before finishing them.
        Index("ix_reminder_delivery_state_claimed_at", "state", "claimed_at"),
    )

    id = column(BigId, primary_key=True)
    dedup_key = column(String(200), unique=True)
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    task_id = column(BigId, ForeignKey("task.id", ondelete="SET NULL"), nullable=True)
    kind = column(String(32))
    task_number = column(Integer, nullable=True)
    title = column(String(500), server_default="")
    due_at = column(UTCDateTime(), nullable=True)
    due_has_time = column(Boolean, server_default=false())
    fire_at = column(UTCDateTime())
    place = column(String(400), nullable=True)
    state = column(String(16), server_default="claimed")
    claimed_at = column(UTCDateTime())
    attempts = column(Integer, server_default="1")
    sent_at = column(UTCDateTime(), nullable=True)
    error = column(String(500), nullable=True)
    # Assignment notices: the other person (who assigned it, or who did or declined it).
    counterpart = column(String(200), nullable=True)


class DigestRow(SqlTable):
    """A person's daily list: at a local time, in the place where it was asked for."""

    __tablename__ = "digest"

    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    at_local = column(String(5))
    always = column(Boolean, server_default=false())
    place = column(String(400), nullable=True)
    next_at = column(UTCDateTime(), index=True)
    updated_at = column(UTCDateTime())


class ProcessedEvent(SqlTable):
    """A platform event claimed by a turn (``seen_at``: when it was claimed, or last taken
    over) and answered once its reply was posted (``answered_at``). ``message_id`` is the
    person's stored message, reused when a claim whose process died is taken over."""

    __tablename__ = "processed_event"

    platform = column(String(16), primary_key=True)
    event_id = column(String(128), primary_key=True)
    seen_at = column(UTCDateTime(), index=True)
    answered_at = column(UTCDateTime(), nullable=True)
    message_id = column(BigId, nullable=True)


class TaskAssignment(SqlTable):
    """A task one person gave another: the task is the assignee's (they own it); this row
    remembers who gave it, whether the assignee was told, and whether the giver was told of
    the outcome. The task's deletion leaves the row (``task_id`` NULL): that is a decline."""

    __tablename__ = "task_assignment"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'done', 'declined')", name="state"),
        # The poll's two questions, each a partial index of just the rows it looks for.
        Index(
            "ix_task_assignment_unnotified",
            "created_at",
            sqlite_where=text("notified_at IS NULL"),
        ),
        Index("ix_task_assignment_outcome_due", "id", sqlite_where=text(OUTCOME_DUE)),
    )

    id = column(BigId, primary_key=True)
    task_id = column(BigId, ForeignKey("task.id", ondelete="SET NULL"), nullable=True, unique=True)
    assignee_user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    # NULL once the giver is forgotten (the task stays with its owner, anonymised).
    assigner_user_id = column(
        BigId, ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    assigner_ref = column(String(300), nullable=True)
    assigner_name = column(String(200), server_default="")
    assignee_name = column(String(200), server_default="")
    task_number = column(Integer)
    title = column(String(500))
    state = column(String(16), server_default="open")
    notified_at = column(UTCDateTime(), nullable=True)
    created_at = column(UTCDateTime())
    closed_at = column(UTCDateTime(), nullable=True)
    # The task's ``completed_at``, kept by a trigger on ``task`` (migration 0006), so the
    # outcome poll reads one small index instead of joining every open assignment.
    task_completed_at = column(UTCDateTime(), nullable=True)


class LinkCode(SqlTable):
    """A one-time code to join two identities; only its SHA-256 is stored."""

    __tablename__ = "link_code"

    code_hash = column(String(64), primary_key=True)
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at = column(UTCDateTime())
    expires_at = column(UTCDateTime())
    used_at = column(UTCDateTime(), nullable=True)


class LinkAttempt(SqlTable):
    """A failed "link CODE": counted to rate-limit guessing."""

    __tablename__ = "link_attempt"
    __table_args__ = (Index("ix_link_attempt_user_id_at", "user_id", "at"),)

    id = column(BigId, primary_key=True)
    user_id = column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"))
    at = column(UTCDateTime())


class LinkedTask(SqlTable):
    """A task that came over with an identity when two were joined: "unlink" takes it back."""

    __tablename__ = "linked_task"

    task_id = column(BigId, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    platform = column(String(16))
    tenant = column(String(64))
    external_id = column(String(128))


class _SlackInstall:
    """What an installation and a workspace's bot both record (the columns they share)."""

    id = column(BigId, primary_key=True)
    enterprise_id = column(String(32))
    team_id = column(String(32))
    app_id = column(String(32), nullable=True)
    enterprise_name = column(String(200), nullable=True)
    team_name = column(String(200), nullable=True)
    bot_id = column(String(32), nullable=True)
    bot_user_id = column(String(32), nullable=True)
    bot_scopes = column(Text, nullable=True)
    bot_refresh_token = column(Text, nullable=True)
    bot_token_expires_at = column(UTCDateTime(), nullable=True)
    is_enterprise_install = column(Boolean, server_default=false())
    installed_at = column(UTCDateTime())


class SlackInstallationRow(_SlackInstall, SqlTable):
    """One person's OAuth installation of the Slack app in a workspace (the latest one each
    person made). Every token is a Fernet token (``storage.sql.token_cipher``), never the
    token itself. An org-wide install has ``team_id`` ""; a workspace install ``enterprise_id``
    "" (so the unique key holds on both databases, where NULLs would never collide)."""

    __tablename__ = "slack_installation"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id", "user_id"),)

    user_id = column(String(32))
    enterprise_url = column(String(300), nullable=True)
    bot_token = column(Text, nullable=True)
    user_scopes = column(Text, nullable=True)
    user_token = column(Text, nullable=True)
    user_refresh_token = column(Text, nullable=True)
    user_token_expires_at = column(UTCDateTime(), nullable=True)
    # The webhook URL is a credential too (anyone holding it can post): encrypted as well.
    incoming_webhook_url = column(Text, nullable=True)
    incoming_webhook_channel = column(String(200), nullable=True)
    incoming_webhook_channel_id = column(String(32), nullable=True)
    incoming_webhook_configuration_url = column(String(300), nullable=True)
    token_type = column(String(16), nullable=True)


class SlackBotRow(_SlackInstall, SqlTable):
    """The bot token of a workspace (or org), apart from the people's installations: revoking
    one person's user token leaves the bot working, revoking the bot leaves nothing."""

    __tablename__ = "slack_bot"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id"),)

    bot_token = column(Text)


class SlackWorkspace(SqlTable):
    """A workspace (or org) the app was installed in; ``uninstalled_at`` is set when Slack
    says it was uninstalled (or its bot token revoked) and cleared by a reinstall. Its data is
    deleted ``[privacy] uninstall_grace_days`` after that, then this row too."""

    __tablename__ = "slack_workspace"

    enterprise_id = column(String(32), primary_key=True)
    team_id = column(String(32), primary_key=True)
    team_name = column(String(200), nullable=True)
    installed_at = column(UTCDateTime())
    uninstalled_at = column(UTCDateTime(), nullable=True, index=True)


class SlackOAuthState(SqlTable):
    """An OAuth ``state`` handed to an installer's browser: consumed once, before it expires."""

    __tablename__ = "slack_oauth_state"

    state = column(String(100), primary_key=True)
    expires_at = column(UTCDateTime(), index=True)
