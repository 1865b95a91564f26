"""Who an "@someone" means, read in the workspace the message came from.

A mention only ever names a person on the speaker's own platform and tenant (Slack
workspace, Discord, the local console): the reference is built from the conversation's
platform and tenant, never from anything the person typed, so nobody can reach a person of
another workspace.
"""

from __future__ import annotations

import re

from bot.errors import InvalidInput
from bot.identity import ConversationKey, UserRef
from bot.teams import texts

# <@U123>, <@!123>, @U123, @name — the forms adapters leave in the text.
MENTION = re.compile(r"<@!?(?P<wrapped>[\w.-]+)(?:\|[^>]*)?>|(?<![\w<])@(?P<bare>[\w.-]+)")
_SLACK_ID = re.compile(r"[UW][A-Z0-9]{1,20}")
_DISCORD_ID = re.compile(r"\d{5,25}")
_CONSOLE_NAME = re.compile(r"[\w.-]{1,64}")


def mention_id(text: str) -> str | None:
    """The id or name in one mention (``<@U1>``, ``@bob``), or ``None``."""
    match = MENTION.fullmatch(text.strip())
    if match is None:
        return None
    return (match["wrapped"] or match["bare"]).rstrip(".")


def assignee_ref(mention: str, place: ConversationKey | None) -> UserRef:
    """The person ``mention`` names in ``place``'s workspace, or ``InvalidInput``."""
    if place is None:
        raise InvalidInput(texts.needs_a_chat())
    who = mention_id(mention) or mention.strip().lstrip("@")
    if place.platform == "slack" and _SLACK_ID.fullmatch(who):
        return UserRef("slack", place.tenant, who)
    if place.platform == "discord" and _DISCORD_ID.fullmatch(who):
        return UserRef("discord", "", who)
    if place.platform == "console" and _CONSOLE_NAME.fullmatch(who):
        return UserRef("console", place.tenant or "local", who)
    raise InvalidInput(texts.unknown_person(mention))
