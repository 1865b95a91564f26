"""Run the Discord bot until cancelled; start-up failures become one clear error line."""

from __future__ import annotations

import aiohttp
import discord

from adapters.discord import texts
from adapters.discord.client import TodoBot
from adapters.discord.endpoints import discord_endpoints
from bot.chat import ChatService
from bot.config import Settings, secret
from bot.errors import ConfigError, PlatformError

# Close codes after which reconnecting cannot help: the settings or the token must change.
_FATAL_CLOSE_CODES = frozenset({4004, 4010, 4011, 4012, 4013})


async def serve(chat: ChatService, settings: Settings) -> None:
    """Connect to Discord and answer people until the task is cancelled.

    Raises ``ConfigError`` for a missing or refused token, a privileged intent that is not
    enabled, or impossible sharding; ``PlatformError`` when Discord cannot be reached.
    """
    token = secret("DISCORD_TOKEN").get_secret_value()
    options = settings.discord
    with discord_endpoints(options.api_url, options.gateway_url):
        bot = TodoBot(chat=chat, settings=options)
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
    raise PlatformError(texts.stopped())
