"""Run the Discord bot until the process stops (or the task is cancelled); start-up failures
become one clear error line."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord

from adapters.discord import texts
from adapters.discord.client import TodoBot
from adapters.discord.endpoints import discord_endpoints
from bot.chat import ChatService
from bot.config import Settings, secret
from bot.errors import ConfigError, PlatformError
from bot.lifecycle import Lifecycle

log = logging.getLogger(__name__)

# Close codes after which reconnecting cannot help: the settings or the token must change.
_FATAL_CLOSE_CODES = frozenset({4004, 4010, 4011, 4012, 4013})


async def serve(
    chat: ChatService, settings: Settings, *, lifecycle: Lifecycle | None = None
) -> None:
    """Connect to Discord and answer people until ``lifecycle`` stops (then disconnect from
    the gateway, let accepted turns post their answers, and return) or the task is cancelled.

    Raises ``ConfigError`` for a missing or refused token, a privileged intent that is not
    enabled, or impossible sharding; ``PlatformError`` when Discord cannot be reached.
    """
    token = secret("DISCORD_TOKEN").get_secret_value()
    options = settings.discord
    lifecycle = lifecycle or Lifecycle()
    with discord_endpoints(options.api_url, options.gateway_url):
        bot = TodoBot(chat=chat, settings=options, inflight=lifecycle.inflight)
        lifecycle.add_readiness_check("discord", bot.connected)
        closer = asyncio.create_task(close_when_stopped(bot, lifecycle))
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure as exc:
            raise ConfigError(texts.bad_token()) from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise ConfigError(texts.intent_not_enabled()) from exc
        except discord.ConnectionClosed as exc:
            error = ConfigError if exc.code in _FATAL_CLOSE_CODES else PlatformError
            message = texts.bad_token() if exc.code == 4004 else texts.gateway_refused(exc.code)
            raise error(message) from exc
        except (discord.GatewayNotFound, discord.HTTPException) as exc:
            raise PlatformError(texts.unreachable(str(exc))) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise PlatformError(texts.unreachable(f"{type(exc).__name__}: {exc}")) from exc
        finally:
            closer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await closer
    if lifecycle.stopping:
        return
    raise PlatformError(texts.stopped())


async def close_when_stopped(bot: TodoBot, lifecycle: Lifecycle) -> None:
    """On stop: leave the gateway (no new messages), let running turns post, then close."""
    await lifecycle.wait_stopping()
    for shard in bot.shards.values():
        await shard.disconnect()
    await lifecycle.drain()
    await bot.close()
