"""Test agents for core and adapter tests where the agent's understanding is not the subject."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from bot.agent import AgentReply, AgentTurn, Tools


class ScriptAgent:
    """Reads the message as a script: ``{"calls": [[name, {args}], ...], "reply": "..."}``.

    Plain text is echoed back. Tool results are appended to the reply so tests can assert them.
    """

    name = "script"

    def __init__(self, delay: float = 0.0, gate: asyncio.Event | None = None) -> None:
        self.delay = delay
        self.gate = gate  # when given, every turn waits until the test sets it
        self.turns: list[AgentTurn] = []

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        self.turns.append(turn)
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        try:
            script = json.loads(turn.text)
        except json.JSONDecodeError:
            return AgentReply(text=f"echo: {turn.text}")
        results = []
        for name, arguments in script.get("calls", []):
            call = await tools.call(name, arguments)
            results.append(call.result)
        if script.get("sleep"):
            await asyncio.sleep(script["sleep"])
        if script.get("raise"):
            raise RuntimeError("scripted failure")
        return AgentReply(
            text=script.get("reply", "") + json.dumps(results), tokens_used=script.get("tokens")
        )


@dataclass
class OverlapProbe:
    """An agent that records when turns start and end, to prove turns never overlap."""

    delay: float = 0.05
    name: str = "probe"
    active: int = 0
    max_active: int = 0
    order: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None  # when given, turns wait for it instead of ``delay``

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.order.append(turn.text)
        try:
            if self.gate is not None:
                await self.gate.wait()
            else:
                await asyncio.sleep(self.delay)
        finally:
            self.active -= 1
        return AgentReply(text=f"answered {turn.text}")
