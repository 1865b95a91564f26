"""Slack Web API and ``response_url`` clients with bounded timeouts and retries.

429s are retried after the ``Retry-After`` Slack asks for, at most ``rate_limit_retries``
times and never for longer than ``max_retry_wait`` seconds per wait; dropped connections are
retried once. Everything else fails fast into the caller's apology path.
"""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.config import SlackSettings
from bot.errors import ConfigError, PlatformError

DEFAULT_API_URL = "https://slack.com/api/"
# What a call to Slack can raise besides a clean error answer.
SLACK_FAILURES: tuple[type[BaseException], ...] = (
    SlackClientError,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)


class BoundedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 after ``Retry-After``, unless Slack asks for a longer wait than we allow."""

    def __init__(self, *, max_retry_count: int, max_wait: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after(response.headers) <= self.max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        # As the SDK's handler, but reading Retry-After leniently; jitter spreads the retries
        # of several processes that were limited at the same moment.
        state.next_attempt_requested = True
        wait = retry_after(response.headers if response is not None else {})
        await asyncio.sleep(wait + random.uniform(0, 0.25))
        state.increment_current_attempt()


def retry_after(headers: dict[str, Any]) -> float:
    """Seconds from a ``Retry-After`` header (missing or unreadable → 1)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                seconds = float(raw)
            except (TypeError, ValueError):
                return 1.0
            return seconds if math.isfinite(seconds) and seconds >= 0 else 1.0
    return 1.0


def retry_handlers(settings: SlackSettings) -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
        BoundedRateLimitRetryHandler(
            max_retry_count=settings.rate_limit_retries, max_wait=settings.max_retry_wait
        ),
    ]


def api_base_url(settings: SlackSettings) -> str:
    url = settings.api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def build_web_client(
    token: str | None, settings: SlackSettings, *, kind: type[AsyncWebClient] = AsyncWebClient
) -> AsyncWebClient:
    """A client with todobot's bounds; ``kind`` ``WorkspaceWebClient`` for many workspaces."""
    return kind(
        token=token,
        base_url=api_base_url(settings),
        timeout=math.ceil(settings.timeout),
        retry_handlers=retry_handlers(settings),
    )


class ResponseUrlClient:
    """Posts to a ``response_url`` (slash commands, buttons) with the same bounds."""

    def __init__(self, settings: SlackSettings) -> None:
        self._settings = settings

    async def send(self, url: str, payload: dict[str, Any]) -> None:
        client = AsyncWebhookClient(
            url=url,
            timeout=math.ceil(self._settings.timeout),
            retry_handlers=retry_handlers(self._settings),
        )
        response = await client.send_dict(payload)
        if response.status_code != 200:
            raise PlatformError(f"response_url answered {response.status_code}")


async def check_token(client: AsyncWebClient) -> dict[str, Any]:
    """``auth.test`` before connecting: a rejected token is a one-line ``ConfigError``."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}:
            raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({error}).") from exc
        raise PlatformError(f"Slack auth.test failed: {error}") from exc
    except SLACK_FAILURES as exc:
        raise PlatformError(
            f"Cannot reach the Slack Web API at {client.base_url}: {type(exc).__name__}"
        ) from exc
    return dict(response.data) if isinstance(response.data, dict) else {}
