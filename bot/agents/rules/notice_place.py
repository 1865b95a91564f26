"""Rule "reminder-platform": where reminders go — "send my reminders on discord", "remind me
on slack", "reminders here", "reminders wherever I am" — and carrying it out through the
``set_reminder_platform`` tool. Self-contained: one pattern, one intent, one tool call."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.agents.rules.calls import Call
from bot.dates.lazy import LazyPattern
from bot.outcomes import message_of

_I = re.IGNORECASE
_PLATFORM = r"(?P<platform>slack|discord|(?:the\s+)?(?:console|terminal|command\s+line|cli)|here)"
_FOLLOW = (
    r"(?P<follow>wherever\s+i\s+(?:am|last\s+(?:was|wrote|spoke|talked))|where\s+i\s+last\s+"
    r"(?:was|wrote|spoke|talked)|anywhere|(?:on\s+)?the\s+last\s+(?:platform|place)\s+i\s+used)"
)
# Not "to": "remind me to discord" is a task ("send my reminders to discord" is not; see _ASK).
_WHERE = rf"(?:(?:(?:on|in|via|through|over)\s+)?{_PLATFORM}|{_FOLLOW})"
_ASK = LazyPattern(
    r"^(?:(?:please|pls|can\s+you|could\s+you|i\s+want\s+(?:you\s+to\s+)?|i'?d\s+like\s+"
    r"(?:you\s+to\s+)?)\s*)*"
    r"(?:(?:send|give|deliver|post)\s+(?:me\s+)?(?:my\s+|the\s+)?(?:reminders|notices|"
    r"notifications)(?:\s+to)?|remind\s+me|(?:my\s+|the\s+)?(?:reminders|notifications|"
    r"notices)(?:\s+(?:should\s+)?(?:go|come|be\s+sent)(?:\s+to)?)?)"
    rf"\s+(?:only\s+)?{_WHERE}(?:\s+(?:please|from\s+now\s+on|instead))*\W*$",
    _I,
)


@dataclass(frozen=True, slots=True)
class ReminderPlatform:
    """Send reminders on ``platform`` (slack, discord, console, here), or ``last``."""

    platform: str
    confident: bool = True


def read_reminder_platform(text: str) -> ReminderPlatform | None:
    match = _ASK.match(text.strip())
    if match is None:
        return None
    if match["follow"]:
        return ReminderPlatform("last")
    said = (match["platform"] or "").lower()
    if said in ("slack", "discord", "here"):
        return ReminderPlatform(said)
    return ReminderPlatform("console")


async def perform_reminder_platform(intent: ReminderPlatform, call: Call) -> str:
    result = await call("set_reminder_platform", {"platform": intent.platform})
    return message_of(result) or ""
