"""Many workspaces through the real Bolt ``AsyncApp`` and ``AsyncOAuthFlow`` against the fake
Slack on 127.0.0.1, on SQLite and PostgreSQL: two workspaces install through /slack/install →
/slack/oauth_redirect, each is answered with its own token, a forged or reused state is
refused, and an uninstall removes the tokens at once and the data after the grace period."""

from __future__ import annotations

import contextlib
import html
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from adapters.slack import SlackService
from adapters.slack.reminders import SlackNotifier
from adapters.slack.simulation import payloads
from adapters.slack.simulation.fake_slack import CLIENT_ID, CLIENT_SECRET, FakeSlack
from bot.chat import ChatService
from bot.cli.run import prune_once
from bot.config import PrivacySettings
from bot.errors import ConfigError
from bot.identity import UserRef
from bot.metrics import PrometheusMetrics
from bot.reminders import DeliveryRefused, Notice
from bot.reminders.model import NoticeItem
from storage.sql import SqlStorage
from storage.sql.installations import SqlInstallationStore
from storage.sql.token_cipher import TokenCipher
from storage.sql.workspace_purge import SqlWorkspacePurge
from tests.conftest import migrated_storage
from tests.e2e.slack.conftest import (
    SlackHarness,
    free_port,
    running,
    slack_settings,
    wait_healthy,
)
from tests.e2e.slack.scripted_agent import ScriptedAgent

pytestmark = pytest.mark.e2e

KEY = Fernet.generate_key().decode()
ENV = {
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
    "TODOBOT_TOKEN_KEY": KEY,
}
COOKIE = "slack-app-oauth-state"


@dataclass
class Workspaces:
    fake: FakeSlack
    storage: SqlStorage
    store: SqlInstallationStore
    session: aiohttp.ClientSession
    base: str
    service: SlackService

    async def start_install(self) -> tuple[str, str]:
        """Open /slack/install as a browser would: the state in the Add-to-Slack link, and
        the cookie that ties it to this browser."""
        async with self.session.get(f"{self.base}/slack/install") as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.cookies[COOKIE].value
        link = html.unescape(re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page)[1])  # type: ignore[index]
        assert link.startswith(self.fake.url.removesuffix("api/") + "oauth/v2/authorize?")
        assert f"client_id={CLIENT_ID}" in link and "scope=app_mentions:read," in link
        state = re.search(r"state=([^&]+)", link)[1]  # type: ignore[index]
        assert state == cookie
        return state, cookie

    async def redirect(self, *, code: str, state: str, cookie: str) -> tuple[int, str]:
        """Slack sends the installer back to the app with the code and the state."""
        async with self.session.get(
            f"{self.base}/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": f"{COOKIE}={cookie}"},
        ) as response:
            return response.status, await response.text()

    async def install(self, team: str) -> None:
        state, cookie = await self.start_install()
        status, _ = await self.redirect(
            code=self.fake.approve_install(team), state=state, cookie=cookie
        )
        assert status == 200, f"the install of {team} failed"

    async def event(
        self, event: dict[str, Any], *, team: str, event_time: int | None = None
    ) -> int:
        body = json.dumps(payloads.event_body(event, team=team, event_time=event_time))
        headers = {"Content-Type": "application/json", **payloads.sign(body)}
        async with self.session.post(
            f"{self.base}/slack/events", data=body.encode(), headers=headers
        ) as response:
            return response.status

    async def settle(self) -> None:
        assert self.service.adapter is not None
        assert await self.service.adapter.inflight.wait_idle(10)


@pytest.fixture
async def workspaces(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Workspaces]:
    async with migrated_storage(database_url) as storage:
        store = SqlInstallationStore(storage.database, TokenCipher(KEY))
        chat = ChatService(storage=storage, agent=ScriptedAgent(), metrics=PrometheusMetrics())
        port = free_port()
        service = SlackService(
            chat, slack_settings(fake_slack), port=port, env=ENV, installations=store
        )
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session, running(service) as task:
            await wait_healthy(session, base, task)
            yield Workspaces(fake_slack, storage, store, session, base, service)


async def test_each_workspace_is_answered_with_its_own_token(workspaces: Workspaces) -> None:
    fake = workspaces.fake
    await workspaces.install("TA")
    await workspaces.install("TB")
    token = {w.team_id: t for t, w in fake.workspaces.items()}
    assert token.keys() == {"TA", "TB"} and token["TA"] != token["TB"]

    assert (
        await workspaces.event(payloads.mention("<@UBOT> add a thing", team="TB"), team="TB") == 200
    )
    assert (
        await workspaces.event(
            payloads.mention("<@UBOT> add a thing", ts="100.000009", user="U9", team="TA"),
            team="TA",
        )
        == 200
    )
    await fake.wait_for("chat.postMessage", 2)
    await workspaces.settle()
    posts = fake.calls_by_team("chat.postMessage")
    assert {team: len(calls) for team, calls in posts.items()} == {"TA": 1, "TB": 1}
    assert posts["TB"][0].token == token["TB"] and posts["TA"][0].token == token["TA"]
    # users.info (names, zones) went to each person's own workspace too; no call went tokenless.
    assert set(fake.calls_by_team("users.info")) == {"TA", "TB"}
    assert all(c.token for c in fake.calls if c.method not in {"oauth.v2.access"})
    # Each person's task is on their own workspace's list.
    for team, user in (("TA", "U9"), ("TB", "U1")):
        assert await workspaces.storage.users.find_user(ref=UserRef("slack", team, user))


async def test_forged_reused_and_cookieless_states_are_refused(workspaces: Workspaces) -> None:
    fake = workspaces.fake
    state, cookie = await workspaces.start_install()
    # A forged state, even with a cookie to match it: not one we issued.
    status, _ = await workspaces.redirect(
        code=fake.approve_install("TX"), state="forged", cookie="forged"
    )
    assert status == 401
    # The real state without this browser's cookie.
    status, _ = await workspaces.redirect(
        code=fake.approve_install("TX"), state=state, cookie="other"
    )
    assert status == 400
    # Used once…
    status, _ = await workspaces.redirect(
        code=fake.approve_install("TX"), state=state, cookie=cookie
    )
    assert status == 200
    # …never twice.
    status, _ = await workspaces.redirect(
        code=fake.approve_install("TY"), state=state, cookie=cookie
    )
    assert status == 401
    assert {w.team_id for w in fake.workspaces.values()} == {"TX"}
    assert await workspaces.store.find_bot(enterprise_id=None, team_id="TY") is None


async def raw_tokens(storage: SqlStorage) -> str:
    async with storage.engine.connect() as conn:
        rows = await conn.execute(text("SELECT bot_token FROM slack_bot"))
        return " ".join(str(r[0]) for r in rows)


async def test_uninstall_removes_tokens_at_once_and_data_after_the_grace_period(
    workspaces: Workspaces,
) -> None:
    fake, storage, store = workspaces.fake, workspaces.storage, workspaces.store
    await workspaces.install("TA")
    await workspaces.install("TB")
    assert "xoxb" not in await raw_tokens(storage)  # sealed at rest
    for team in ("TA", "TB"):
        await workspaces.event(payloads.mention("<@UBOT> add keep me", team=team), team=team)
    await fake.wait_for("chat.postMessage", 2)
    await workspaces.settle()

    uninstalled_at = datetime.now(UTC)
    fake.uninstall("TB")
    assert await workspaces.event({"type": "app_uninstalled"}, team="TB") == 200
    await workspaces.settle()
    assert await store.find_bot(enterprise_id=None, team_id="TB") is None
    assert await store.find_installation(enterprise_id=None, team_id="TB") is None
    # B's events find no token any more; A's are answered as before.
    before = len(fake.called("chat.postMessage"))
    await workspaces.event(
        payloads.mention("<@UBOT> add more", ts="100.000007", team="TB"), team="TB"
    )
    await workspaces.event(
        payloads.mention("<@UBOT> add more", ts="100.000008", team="TA"), team="TA"
    )
    await fake.wait_for("chat.postMessage", before + 1)
    await workspaces.settle()
    assert [c.token for c in fake.called("chat.postMessage")[before:]] == [
        next(t for t, w in fake.workspaces.items() if w.team_id == "TA")
    ]

    purge = SqlWorkspacePurge(storage.database)
    b_user = UserRef("slack", "TB", "U1")
    # Within the grace period: B's data is still there.
    assert (
        await purge.purge_uninstalled(uninstalled_before=uninstalled_at - timedelta(days=1)) == []
    )
    assert await storage.users.find_user(ref=b_user) is not None
    # After it (the pruner's clock 31 days on, grace 30): gone; A untouched.
    later = uninstalled_at + timedelta(days=31)
    done = await purge.purge_uninstalled(uninstalled_before=later - timedelta(days=30))
    assert [p.tenant for p in done] == ["TB"]
    assert await storage.users.find_user(ref=b_user) is None
    assert await storage.users.find_user(ref=UserRef("slack", "TA", "U1")) is not None
    assert await store.find_bot(enterprise_id=None, team_id="TA") is not None


async def test_an_uninstall_sent_before_the_latest_install_changes_nothing(
    workspaces: Workspaces,
) -> None:
    """Slack retries an event it could not deliver (say, across a restart); by then an admin
    may have installed the app again. The late uninstall must not take the new token, nor
    start the countdown to deleting the workspace's data."""
    await workspaces.install("TB")
    an_hour_ago = int(time.time()) - 3600
    assert (
        await workspaces.event({"type": "app_uninstalled"}, team="TB", event_time=an_hour_ago)
        == 200
    )
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": ["UBOTTB"]}}
    assert await workspaces.event(revoked, team="TB", event_time=an_hour_ago) == 200
    await workspaces.settle()
    assert await workspaces.store.find_bot(enterprise_id=None, team_id="TB") is not None
    async with workspaces.storage.engine.connect() as conn:
        marked = (await conn.execute(text("SELECT uninstalled_at FROM slack_workspace"))).scalar()
    assert marked is None

    # The same event sent now is honoured.
    assert await workspaces.event({"type": "app_uninstalled"}, team="TB") == 200
    await workspaces.settle()
    assert await workspaces.store.find_bot(enterprise_id=None, team_id="TB") is None


async def test_tokens_revoked_for_the_bot_uninstalls(workspaces: Workspaces) -> None:
    await workspaces.install("TB")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOTTB"]}}
    assert await workspaces.event(revoked, team="TB") == 200
    await workspaces.settle()
    assert await workspaces.store.find_bot(enterprise_id=None, team_id="TB") is None
    async with workspaces.storage.engine.connect() as conn:
        marked = (await conn.execute(text("SELECT uninstalled_at FROM slack_workspace"))).scalar()
    assert marked is not None


@pytest.mark.parametrize(
    ("missing", "extra"),
    [("TODOBOT_TOKEN_KEY", {}), ("SLACK_CLIENT_SECRET", {}), ("TODOBOT_TOKEN_KEY", {"x": "1"})],
)
async def test_missing_oauth_secret_is_a_one_line_error(
    fake_slack: FakeSlack, missing: str, extra: dict[str, str]
) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    service = SlackService(
        ChatService(storage=None, agent=ScriptedAgent()),  # type: ignore[arg-type]
        slack_settings(fake_slack),
        port=free_port(),
        env=env,
    )
    with pytest.raises(ConfigError) as caught:
        await service.run()
    assert missing in str(caught.value) and "\n" not in str(caught.value)
    assert fake_slack.calls == []  # nothing was contacted


async def test_oauth_needs_http_mode(fake_slack: FakeSlack) -> None:
    service = SlackService(
        ChatService(storage=None, agent=ScriptedAgent()),  # type: ignore[arg-type]
        slack_settings(fake_slack, mode="socket"),
        env=ENV,
    )
    with contextlib.suppress(Exception), pytest.raises(ConfigError, match="HTTP mode"):
        await service.run()


def reminder_to(team: str, user: str) -> Notice:
    return Notice(
        kind="reminder",
        to=UserRef("slack", team, user),
        place=None,
        text="⏰ water the plants",
        items=(NoticeItem(number=1, title="water the plants", due=None),),
        tz=ZoneInfo("UTC"),
    )


async def test_reminders_go_out_with_their_workspaces_token(workspaces: Workspaces) -> None:
    fake = workspaces.fake
    await workspaces.install("TA")
    await workspaces.install("TB")
    settings = slack_settings(fake)
    async with SlackNotifier.from_env(settings, workspaces.store) as notifier:
        await notifier.send(reminder_to("TB", "U2"))
        await notifier.send(reminder_to("TA", "U1"))
        posts = fake.calls_by_team("chat.postMessage")
        assert [c.args["channel"] for c in posts["TB"]] == ["D2"]
        assert [c.args["channel"] for c in posts["TA"]] == ["D1"]
        fake.uninstall("TB")
        await workspaces.event({"type": "app_uninstalled"}, team="TB")
        await workspaces.settle()
        with pytest.raises(DeliveryRefused, match="uninstalled"):
            await notifier.send(reminder_to("TB", "U2"))


async def test_the_hourly_pruner_deletes_after_the_configured_grace(
    workspaces: Workspaces,
) -> None:
    """``todobot run``'s pruning round, driven by an injected clock instead of sleeping."""
    await workspaces.install("TB")
    await workspaces.event(payloads.mention("<@UBOT> add keep me", team="TB"), team="TB")
    await workspaces.fake.wait_for("chat.postMessage")
    await workspaces.settle()
    workspaces.fake.uninstall("TB")
    await workspaces.event({"type": "app_uninstalled"}, team="TB")
    await workspaces.settle()
    person, privacy = UserRef("slack", "TB", "U1"), PrivacySettings(uninstall_grace_days=7)
    now = datetime.now(UTC)
    await prune_once(workspaces.storage, privacy, now=now + timedelta(days=6))
    assert await workspaces.storage.users.find_user(ref=person) is not None
    await prune_once(workspaces.storage, privacy, now=now + timedelta(days=7, minutes=1))
    assert await workspaces.storage.users.find_user(ref=person) is None


async def test_one_workspace_mode_acknowledges_an_uninstall(slack: SlackHarness) -> None:
    """``SLACK_BOT_TOKEN`` alone: the uninstall events the HTTP manifest subscribes to are
    answered 200 (not Bolt's 404 for an unhandled event, which Slack would retry)."""
    assert (await slack.event({"type": "app_uninstalled"})).status == 200
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}
    assert (await slack.event(revoked)).status == 200
