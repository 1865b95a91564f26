"""The delivery protocol: one ``Notifier`` per platform posts a notice to one person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import PlatformError
from bot.reminders.model import Notice


class DeliveryRefused(PlatformError):
    """The platform will not take this notice (user gone, DMs closed and no fallback).

    Not retried: the delivery is recorded as failed with this reason.
    """


class Notifier(Protocol):
    """Posts notices on one platform; retries as the platform asks (429 Retry-After),
    bounded, then raises ``PlatformError`` (or ``DeliveryRefused``) — never loops forever."""

    platform: str

    async def send(self, notice: Notice) -> None: ...


@dataclass
class ConsoleNotifier:
    """Console users' notices, kept for the command line to print."""

    platform: str = "console"
    sent: list[Notice] = field(default_factory=list)

    async def send(self, notice: Notice) -> None:
        self.sent.append(notice)
