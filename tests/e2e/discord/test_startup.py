"""Start-up: intents and shards on IDENTIFY, one clear line for a bad token or missing intent."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.discord import serve, texts
from adapters.discord.simulation.fake_discord import FakeDiscord
from bot.chat import ChatService
from bot.config import Settings
from bot.errors import ConfigError, PlatformError
from tests.e2e.discord.conftest import running_bot, settings_for

pytestmark = pytest.mark.e2e

NO_PRIVILEGED_INTENTS = 1 | 512 | 4096  # guilds, guild messages, direct messages


async def test_identify_asks_for_the_minimal_intents_and_heartbeats(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat):
        identify = fake.gateway.identifies[0]
        assert identify["token"] == token
        assert identify["intents"] == NO_PRIVILEGED_INTENTS
        assert identify["shard"] == [0, 1]  # the one shard /gateway/bot recommended
        await fake.wait_for(lambda calls: fake.gateway.heartbeats >= 1)
    # The configured gateway, not the one GET /gateway/bot advertises (asked for the shard count).
    assert fake.gateway.urls[0].startswith("/gateway?")
    assert "v=10" in fake.gateway.urls[0] and "encoding=json" in fake.gateway.urls[0]
    assert len(fake.find("GET", r"/gateway/bot")) == 1


async def test_a_bad_token_is_one_clear_config_error(
    fake: FakeDiscord, chat: ChatService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "not-the-token")
    with pytest.raises(ConfigError) as raised:
        await asyncio.wait_for(serve(chat, settings_for(fake)), 10)
    assert str(raised.value) == texts.bad_token()
    assert "not-the-token" not in str(raised.value)
    assert [call.status for call in fake.calls] == [401]


async def test_a_missing_token_names_the_variable(
    chat: ChatService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        await serve(chat, Settings())


async def test_content_intent_not_enabled_in_the_portal_is_one_clear_config_error(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    settings = settings_for(fake, message_content_intent=True)
    with pytest.raises(ConfigError) as raised:
        await asyncio.wait_for(serve(chat, settings), 10)
    assert str(raised.value) == texts.intent_not_enabled()
    assert fake.gateway.identifies[0]["intents"] == NO_PRIVILEGED_INTENTS | (1 << 15)


async def test_unreachable_discord_is_a_platform_error(chat: ChatService, token: str) -> None:
    settings = Settings.model_validate(
        {"discord": {"api_url": "http://127.0.0.1:9", "gateway_url": "ws://127.0.0.1:9/"}}
    )
    with pytest.raises(PlatformError, match="Cannot reach Discord"):
        await asyncio.wait_for(serve(chat, settings), 10)


async def test_fixed_shards_identify_as_configured(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat, shard_count=4, shard_ids=[2], sync_commands=False):
        assert fake.gateway.identifies[0]["shard"] == [2, 4]
    assert fake.find("GET", r"/gateway/bot") == []
    assert fake.find("PUT", r"/applications/.+") == []


async def test_without_a_gateway_url_the_one_discord_names_is_used(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat, gateway_url=None):
        assert fake.gateway.identifies[0]["shard"] == [0, 1]
    assert len(fake.find("GET", r"/gateway/bot")) == 1
    assert fake.gateway.urls[0].startswith("/gateway-advertised?")


async def test_cancelling_serve_closes_the_connection(
    fake: FakeDiscord, chat: ChatService, token: str
) -> None:
    async with running_bot(fake, chat) as task:
        pass
    assert task.cancelled()
    await fake.wait_for(lambda calls: fake.socket_closed)
    # After serve, discord.py talks to Discord again, not to the fake.
    from discord.http import Route

    assert Route.BASE == "https://discord.com/api/v10"


class LineSeen(logging.Handler):
    """Sets ``seen`` when a log record with exactly ``text`` is emitted."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == self.text:
            self.seen.set()


async def test_once_ready_it_logs_its_invite_link(
    fake: FakeDiscord, chat: ChatService, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.discord")
    watcher = LineSeen(
        "invite link: https://discord.com/oauth2/authorize?client_id=900000000000000001"
        "&scope=bot+applications.commands&permissions=309237713920"
    )
    logger = logging.getLogger("adapters.discord.client")
    logger.addHandler(watcher)
    try:
        async with running_bot(fake, chat):
            # discord.py reports ready once no more servers arrive for a moment (about 2 s).
            await asyncio.wait_for(watcher.seen.wait(), 10)
    finally:
        logger.removeHandler(watcher)
