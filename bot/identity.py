"""Who is speaking and where: platform-neutral identities."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InvalidInput

PLATFORMS = ("slack", "discord", "console")


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person as one platform knows them.

    Slack: (``slack``, team id, user id); Discord: (``discord``, ``""``, user id);
    console: (``console``, ``local``, name).
    """

    platform: str
    tenant: str
    external_id: str

    @classmethod
    def parse(cls, text: str) -> UserRef:
        """Read the command-line form: ``slack:T1:U1``, ``discord:1234`` or a bare name."""
        text = text.strip()
        if not text:
            raise InvalidInput("A user reference cannot be empty.")
        parts = text.split(":")
        if parts[0] == "slack" and len(parts) == 3 and all(parts[1:]):
            return cls("slack", parts[1], parts[2])
        if parts[0] == "discord" and len(parts) == 2 and parts[1]:
            return cls("discord", "", parts[1])
        if parts[0] == "console" and len(parts) == 2 and parts[1]:
            return cls("console", "local", parts[1])
        if ":" in text:
            raise InvalidInput(
                f"Unrecognised user reference {text!r}: use slack:TEAM:USER, discord:ID or a name."
            )
        return cls("console", "local", text)

    def __str__(self) -> str:
        if self.platform == "slack":
            return f"slack:{self.tenant}:{self.external_id}"
        if self.platform == "discord":
            return f"discord:{self.external_id}"
        if self.platform == "console" and self.tenant == "local":
            return self.external_id
        return f"{self.platform}:{self.tenant}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """One thread of talk: a Slack thread, a Discord thread or DM channel, a console session."""

    platform: str
    tenant: str
    channel_id: str
    thread_id: str

    def __str__(self) -> str:
        return f"{self.platform}/{self.tenant}/{self.channel_id}/{self.thread_id}"
