"""todobot on Discord: @mentions in servers (answered in threads), DMs, slash commands, buttons.

The composition root calls :func:`serve`; everything else here translates between discord.py
and :class:`bot.chat.ChatService`.
"""

from adapters.discord.serve import serve

__all__ = ["serve"]
