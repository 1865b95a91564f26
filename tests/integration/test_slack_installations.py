"""Slack installations on SQLite and PostgreSQL: tokens sealed at rest, one-time OAuth states,
uninstall marks the workspace, and the purge deletes its data only after the grace period
(driven by the timestamps given, never by sleeping) and only that workspace's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.errors import ConfigError, StorageError
from bot.identity import ConversationKey, UserRef
from bot.installations import WorkspaceInstallation
from storage.sql import SqlStorage
from storage.sql import installations as installations_module
from storage.sql.installations import SqlInstallationStore
from storage.sql.models import SlackWorkspace
from storage.sql.token_cipher import TokenCipher
from storage.sql.workspace_purge import SqlWorkspacePurge
from tests.integration.test_teams import call, link_code, titles

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
GRACE = timedelta(days=30)


def installation(team: str, *, user: str = "UINST", **extra: Any) -> WorkspaceInstallation:
    values: dict[str, Any] = {
        "enterprise_id": None,
        "team_id": team,
        "user_id": user,
        "installed_at": NOW,
        "team_name": f"Team {team}",
        "bot_token": f"xoxb-{team}-secret",
        "bot_id": f"B{team}",
        "bot_user_id": f"UBOT{team}",
        "bot_scopes": "chat:write,im:write",
        "user_token": f"xoxp-{team}-{user}-secret",
        "user_scopes": "identify",
        "incoming_webhook_url": f"https://hooks.example/{team}/secret",
    }
    values.update(extra)
    return WorkspaceInstallation(**values)


@pytest.fixture
def store(storage: SqlStorage) -> SqlInstallationStore:
    return SqlInstallationStore(storage.database, TokenCipher(Fernet.generate_key().decode()))


async def raw_rows(storage: SqlStorage) -> str:
    async with storage.engine.connect() as conn:
        rows = []
        for table in ("slack_installation", "slack_bot"):
            rows += [repr(tuple(r)) for r in await conn.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows)


async def test_tokens_are_sealed_at_rest_and_read_back(
    storage: SqlStorage, store: SqlInstallationStore
) -> None:
    await store.save_installation(installation=installation("TA"))
    found = await store.find_installation(enterprise_id=None, team_id="TA")
    assert found == installation("TA")
    bot = await store.find_bot(enterprise_id=None, team_id="TA")
    assert bot is not None and bot.bot_token == "xoxb-TA-secret" and bot.bot_id == "BTA"
    raw = await raw_rows(storage)
    assert "TA" in raw  # the rows are there…
    assert "secret" not in raw and "xox" not in raw  # …but no token or webhook in the clear
    # Another key cannot read them: an error for the operator, not garbage tokens.
    other = SqlInstallationStore(storage.database, TokenCipher(Fernet.generate_key().decode()))
    with pytest.raises(StorageError, match="TODOBOT_TOKEN_KEY"):
        await other.find_bot(enterprise_id=None, team_id="TA")


async def test_rotated_key_still_reads_old_tokens(storage: SqlStorage) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    await SqlInstallationStore(storage.database, TokenCipher(old)).save_installation(
        installation=installation("TA")
    )
    rotated = SqlInstallationStore(storage.database, TokenCipher(f"{new},{old}"))
    bot = await rotated.find_bot(enterprise_id=None, team_id="TA")
    assert bot is not None and bot.bot_token == "xoxb-TA-secret"


def test_a_bad_key_is_a_one_line_config_error() -> None:
    for env in ({}, {"TODOBOT_TOKEN_KEY": "not-a-key"}):
        with pytest.raises(ConfigError) as caught:
            TokenCipher.from_env(env)
        assert "TODOBOT_TOKEN_KEY" in str(caught.value) and "\n" not in str(caught.value)
        assert "not-a-key" not in str(caught.value)


async def test_latest_installer_and_each_persons_own_token(store: SqlInstallationStore) -> None:
    await store.save_installation(installation=installation("TA", user="U1"))
    later = installation(
        "TA", user="U2", installed_at=NOW + timedelta(hours=1), bot_token="xoxb-TA-new"
    )
    await store.save_installation(installation=later)
    latest = await store.find_installation(enterprise_id=None, team_id="TA")
    assert latest is not None and latest.user_id == "U2"
    first = await store.find_installation(enterprise_id=None, team_id="TA", user_id="U1")
    # U1's own user token, with the workspace's newest bot token.
    assert first is not None and first.user_token == "xoxp-TA-U1-secret"
    assert first.bot_token == "xoxb-TA-new"
    # Revoking U1's user token leaves the bot working.
    await store.delete_installation(enterprise_id=None, team_id="TA", user_id="U1")
    assert await store.find_installation(enterprise_id=None, team_id="TA", user_id="U1") is None
    assert (await store.find_bot(enterprise_id=None, team_id="TA")) is not None


async def test_states_are_single_use_and_expire(store: SqlInstallationStore) -> None:
    await store.issue_state(state="s1", expires_at=NOW + timedelta(minutes=10), now=NOW)
    await store.issue_state(state="s2", expires_at=NOW + timedelta(minutes=10), now=NOW)
    assert await store.consume_state(state="s1", now=NOW)
    assert not await store.consume_state(state="s1", now=NOW)  # reused
    assert not await store.consume_state(state="forged", now=NOW)
    assert not await store.consume_state(state="s2", now=NOW + timedelta(minutes=11))  # expired


async def test_states_stay_bounded_however_many_are_asked_for(
    store: SqlInstallationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(installations_module, "MAX_LIVE_STATES", 5)
    for n in range(3):  # expired by the time the next ones are issued: swept
        await store.issue_state(state=f"old{n}", expires_at=NOW, now=NOW - timedelta(minutes=10))
    later = NOW + timedelta(seconds=1)
    for n in range(8):
        at = later + timedelta(seconds=n)
        await store.issue_state(state=f"s{n}", expires_at=at + timedelta(minutes=10), now=at)
    # The five newest are still good; the oldest made room; the expired ones are gone.
    assert [await store.consume_state(state=f"s{n}", now=later) for n in range(8)] == [
        False, False, False, True, True, True, True, True,
    ]  # fmt: skip
    assert not await store.consume_state(state="old0", now=NOW - timedelta(minutes=10))


async def seed_workspace(storage: SqlStorage, team: str) -> dict[str, UserRef]:
    """Two people of ``team``, a channel list there, and conversations."""
    ann, bob = UserRef("slack", team, "U1" + team), UserRef("slack", team, "U2" + team)
    place = ConversationKey("slack", team, "C" + team, "1.0")
    await call(storage, ann, "add_task", title=f"{team} ann task", place=place)
    await call(storage, bob, "add_task", title=f"{team} bob task", place=place)
    await call(storage, ann, "channel_list", action="add", title=f"{team} shared", place=place)
    await storage.conversations.append_message(
        conversation_id=(await ensure_conversation(storage, place)),
        user_id=(await storage.users.find_user(ref=ann)).id,  # type: ignore[union-attr]
        role="user",
        content=f"hello from {team}",
        now=NOW,
    )
    return {"ann": ann, "bob": bob}


async def ensure_conversation(storage: SqlStorage, key: ConversationKey) -> int:
    from storage.sql.models import ConversationRow

    async with storage.engine.begin() as conn:
        found = (
            await conn.execute(
                select(ConversationRow.id).where(
                    ConversationRow.platform == key.platform,
                    ConversationRow.tenant == key.tenant,
                    ConversationRow.channel_id == key.channel_id,
                    ConversationRow.thread_id == key.thread_id,
                )
            )
        ).scalar()
        if found is not None:
            return int(found)
        await conn.execute(
            ConversationRow.__table__.insert().values(  # type: ignore[attr-defined]
                platform=key.platform,
                tenant=key.tenant,
                channel_id=key.channel_id,
                thread_id=key.thread_id,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return await ensure_conversation(storage, key)


async def counts(storage: SqlStorage, team: str) -> dict[str, int]:
    async with storage.engine.connect() as conn:

        async def one(sql: str) -> int:
            return int((await conn.execute(text(sql), {"t": team, "c": f"slack/{team}"})).scalar())

        return {
            "identities": await one(
                "SELECT count(*) FROM user_identity WHERE (platform = 'slack' AND tenant = :t)"
                " OR (platform = 'channel' AND tenant = :c)"
            ),
            "conversations": await one(
                "SELECT count(*) FROM conversation WHERE platform = 'slack' AND tenant = :t"
            ),
            "tasks": await one(
                "SELECT count(*) FROM task JOIN user_identity u ON u.user_id = task.user_id"
                " WHERE (u.platform = 'slack' AND u.tenant = :t)"
                " OR (u.platform = 'channel' AND u.tenant = :c)"
            ),
        }


async def test_uninstall_purges_only_that_workspace_after_the_grace_period(
    storage: SqlStorage, store: SqlInstallationStore
) -> None:
    purge = SqlWorkspacePurge(storage.database)
    for team in ("TA", "TB"):
        await store.save_installation(installation=installation(team))
        await seed_workspace(storage, team)
    # A person of B linked to the console keeps their list (it is theirs everywhere).
    linked = UserRef("console", "local", "carol")
    code = await link_code(storage, linked)
    await call(storage, UserRef("slack", "TB", "U3TB"), "link_accounts", code=code)
    before_a = await counts(storage, "TA")

    await store.delete_bot(enterprise_id=None, team_id="TB", now=NOW)
    await store.delete_installation(enterprise_id=None, team_id="TB")
    # Tokens gone at once; the data waits for the grace period.
    assert await store.find_bot(enterprise_id=None, team_id="TB") is None
    assert await store.find_installation(enterprise_id=None, team_id="TB") is None
    assert await purge.purge_uninstalled(uninstalled_before=NOW + GRACE - timedelta(days=31)) == []
    assert (await counts(storage, "TB"))["tasks"] == 3

    done = await purge.purge_uninstalled(uninstalled_before=NOW + timedelta(seconds=1))
    assert [p.tenant for p in done] == ["TB"] and done[0].users == 3  # ann, bob, the channel
    assert await counts(storage, "TB") == {"identities": 0, "conversations": 0, "tasks": 0}
    assert await counts(storage, "TA") == before_a  # A untouched
    assert (await store.find_bot(enterprise_id=None, team_id="TA")) is not None
    assert await titles(storage, linked) == {}  # carol's own (empty) list survives
    assert await storage.users.find_user(ref=linked) is not None
    async with storage.engine.connect() as conn:
        left = (await conn.execute(select(SlackWorkspace.team_id))).scalars().all()
    assert left == ["TA"]
    # Nothing is purged twice.
    assert await purge.purge_uninstalled(uninstalled_before=NOW + GRACE * 2) == []


async def test_reinstall_within_the_grace_period_keeps_the_data(
    storage: SqlStorage, store: SqlInstallationStore
) -> None:
    purge = SqlWorkspacePurge(storage.database)
    await store.save_installation(installation=installation("TB"))
    await seed_workspace(storage, "TB")
    await store.delete_bot(enterprise_id=None, team_id="TB", now=NOW)
    await store.save_installation(
        installation=installation("TB", installed_at=NOW + timedelta(days=3))
    )
    assert await purge.purge_uninstalled(uninstalled_before=NOW + GRACE * 2) == []
    assert (await counts(storage, "TB"))["tasks"] == 3
