"""A stand-in composition root for the MCP tests until ``todobot mcp`` wires real storage."""

from __future__ import annotations

import asyncio
import logging
import sys

from adapters.mcp import serve_stdio
from bot.identity import UserRef
from storage.memory import MemoryStorage


async def main(user: str) -> None:
    storage = MemoryStorage()
    try:
        await serve_stdio(storage=storage, user=UserRef.parse(user), default_timezone="UTC")
    finally:
        await storage.close()


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    asyncio.run(main(sys.argv[1]))
