"""Where a reminder was asked for, stored as one short JSON text column."""

from __future__ import annotations

import json

from bot.identity import ConversationKey


def place_text(key: ConversationKey | None) -> str | None:
    if key is None:
        return None
    return json.dumps([key.platform, key.tenant, key.channel_id, key.thread_id])


def place_key(text: str | None) -> ConversationKey | None:
    if not text:
        return None
    try:
        platform, tenant, channel, thread = json.loads(text)
    except (ValueError, TypeError):
        return None  # an unreadable place only loses the fallback, never the reminder
    return ConversationKey(str(platform), str(tenant), str(channel), str(thread))
