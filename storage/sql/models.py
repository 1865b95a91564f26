"""ORM models. Singular snake_case tables, UTC ``_at`` timestamps, named constraints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import false, text

from storage.sql.types import UTCDateTime

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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AppUser(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # True once the person chose the zone; a platform's profile zone then no longer replaces it.
    timezone_pinned: Mapped[bool] = mapped_column(Boolean, server_default=false())
    next_task_number: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where reminders and notices go: None for the platform last written on.
    notice_platform: Mapped[str | None] = mapped_column(String(16), nullable=True)


class UserIdentity(Base):
    __tablename__ = "user_identity"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )


class ConversationRow(Base):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("platform", "tenant", "channel_id", "thread_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageRow(Base):
    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'assistant')", name="role"),
        Index("ix_message_conversation_id_created_at", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("conversation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    # SQL NULL, not the JSON text "null", for a message without tool calls.
    tool_calls: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    tokens_used: Mapped[int | None] = mapped_column(Integer, nullable=True)
    platform_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TaskRow(Base):
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

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, server_default="")
    priority: Mapped[str] = mapped_column(String(8), server_default="medium")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    due_has_time: Mapped[bool] = mapped_column(Boolean, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    repeat: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Where the reminder was asked for, as a JSON array [platform, tenant, channel, thread].
    place: Mapped[str | None] = mapped_column(String(400), nullable=True)


class ReminderDelivery(Base):
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

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("task.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    task_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(String(500), server_default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    due_has_time: Mapped[bool] = mapped_column(Boolean, server_default=false())
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(400), nullable=True)
    state: Mapped[str] = mapped_column(String(16), server_default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, server_default="1")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Assignment notices: the other person (who assigned it, or who did or declined it).
    counterpart: Mapped[str | None] = mapped_column(String(200), nullable=True)


class DigestRow(Base):
    """A person's daily list: at a local time, in the place where it was asked for."""

    __tablename__ = "digest"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    at_local: Mapped[str] = mapped_column(String(5))
    always: Mapped[bool] = mapped_column(Boolean, server_default=false())
    place: Mapped[str | None] = mapped_column(String(400), nullable=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """A platform event claimed by a turn (``seen_at``: when it was claimed, or last taken
    over) and answered once its reply was posted (``answered_at``). ``message_id`` is the
    person's stored message, reused when a claim whose process died is taken over."""

    __tablename__ = "processed_event"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class TaskAssignment(Base):
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

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("task.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    assignee_user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    # NULL once the giver is forgotten (the task stays with its owner, anonymised).
    assigner_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    assigner_ref: Mapped[str | None] = mapped_column(String(300), nullable=True)
    assigner_name: Mapped[str] = mapped_column(String(200), server_default="")
    assignee_name: Mapped[str] = mapped_column(String(200), server_default="")
    task_number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), server_default="open")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The task's ``completed_at``, kept by a trigger on ``task`` (migration 0006), so the
    # outcome poll reads one small index instead of joining every open assignment.
    task_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LinkCode(Base):
    """A one-time code to join two identities; only its SHA-256 is stored."""

    __tablename__ = "link_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LinkAttempt(Base):
    """A failed "link CODE": counted to rate-limit guessing."""

    __tablename__ = "link_attempt"
    __table_args__ = (Index("ix_link_attempt_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("app_user.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkedTask(Base):
    """A task that came over with an identity when two were joined: "unlink" takes it back."""

    __tablename__ = "linked_task"

    task_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))


class _SlackInstall:
    """What an installation and a workspace's bot both record (the columns they share)."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    enterprise_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    team_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    bot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bot_user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bot_scopes: Mapped[str | None] = mapped_column(Text, nullable=True)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, server_default=false())
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SlackInstallationRow(_SlackInstall, Base):
    """One person's OAuth installation of the Slack app in a workspace (the latest one each
    person made). Every token is a Fernet token (``storage.sql.token_cipher``), never the
    token itself. An org-wide install has ``team_id`` ""; a workspace install ``enterprise_id``
    "" (so the unique key holds on both databases, where NULLs would never collide)."""

    __tablename__ = "slack_installation"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id", "user_id"),)

    user_id: Mapped[str] = mapped_column(String(32))
    enterprise_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    bot_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_scopes: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The webhook URL is a credential too (anyone holding it can post): encrypted as well.
    incoming_webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    incoming_webhook_channel: Mapped[str | None] = mapped_column(String(200), nullable=True)
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    incoming_webhook_configuration_url: Mapped[str | None] = mapped_column(
        String(300), nullable=True
    )
    token_type: Mapped[str | None] = mapped_column(String(16), nullable=True)


class SlackBotRow(_SlackInstall, Base):
    """The bot token of a workspace (or org), apart from the people's installations: revoking
    one person's user token leaves the bot working, revoking the bot leaves nothing."""

    __tablename__ = "slack_bot"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id"),)

    bot_token: Mapped[str] = mapped_column(Text)


class SlackWorkspace(Base):
    """A workspace (or org) the app was installed in; ``uninstalled_at`` is set when Slack
    says it was uninstalled (or its bot token revoked) and cleared by a reinstall. Its data is
    deleted ``[privacy] uninstall_grace_days`` after that, then this row too."""

    __tablename__ = "slack_workspace"

    enterprise_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True
    )


class SlackOAuthState(Base):
    """An OAuth ``state`` handed to an installer's browser: consumed once, before it expires."""

    __tablename__ = "slack_oauth_state"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
