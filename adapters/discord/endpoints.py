"""Where discord.py sends REST calls and opens the gateway, for proxies and local fakes.

discord.py 2.7 has no constructor option for either. It builds every REST URL (bot calls,
interaction callbacks and followups alike) from the class attribute ``discord.http.Route.BASE``
— the attribute its own ``_set_api_version`` rewrites — and opens the first gateway connection
at ``DiscordWebSocket.DEFAULT_GATEWAY`` (resumes then use the ``resume_gateway_url`` the gateway
sends in READY). :func:`discord_endpoints` sets both for as long as the bot runs and restores
them afterwards, so nothing leaks past :func:`adapters.discord.serve`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

API_VERSION = 10


def rest_base(url: str) -> str:
    """``url`` as a REST base ending in ``/api/v10``; a bare host or ``…/api`` is completed."""
    base = url.strip().rstrip("/")
    if re.search(r"/api/v\d+$", base):
        return base
    if base.endswith("/api"):
        return f"{base}/v{API_VERSION}"
    return f"{base}/api/v{API_VERSION}"


@contextmanager
def discord_endpoints(api_url: str | None, gateway_url: str | None) -> Iterator[None]:
    """Use ``api_url`` / ``gateway_url`` (when given) inside the block, Discord's own outside."""
    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if api_url:
        Route.BASE = rest_base(api_url)
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE = saved_base
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
