"""People's names and timezones from ``users.info``, cached so a turn rarely waits for Slack.

The core stores the timezone on the user; this cache only spares a Web API call per message.
A failed lookup is remembered briefly too, so an outage does not add a slow call to every turn.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Profile:
    display_name: str | None
    timezone: str | None


def profile_from_user(user: Mapping[str, Any]) -> Profile:
    """The name people see and the IANA zone from a ``users.info`` ``user`` object."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
    name = name or user.get("name")
    return Profile(display_name=str(name) if name else None, timezone=user.get("tz") or None)


class SlackProfiles:
    """A bounded, time-limited cache over ``users.info``."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 6 * 3600,
        failure_ttl: float = 300,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Profile | None]] = OrderedDict()

    async def lookup(self, user_id: str) -> Profile | None:
        """The person's profile, or ``None`` when Slack cannot tell us right now."""
        now = self._clock()
        cached = self._entries.get(user_id)
        if cached is not None and cached[0] > now:
            self._entries.move_to_end(user_id)
            return cached[1]
        profile = await self._fetch(user_id)
        expires = now + (self._ttl if profile is not None else self._failure_ttl)
        self._entries[user_id] = (expires, profile)
        self._entries.move_to_end(user_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return profile

    def cached(self, user_id: str) -> Profile | None:
        """The profile already known (even if due for a refresh), without asking Slack: for
        paths that must answer within Slack's three seconds."""
        entry = self._entries.get(user_id)
        return entry[1] if entry is not None else None

    async def _fetch(self, user_id: str) -> Profile | None:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return None
        except (SlackClientError, OSError, TimeoutError) as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            return None
        user = response.get("user")
        return profile_from_user(user) if isinstance(user, Mapping) else None
