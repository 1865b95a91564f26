"""A tiny scripted agent for adapter tests: the test is about Slack, not understanding.

``add a; b`` adds tasks, ``list`` lists, ``done N`` completes, ``slow …`` takes a while (or,
with ``gate`` set, waits until the test opens it),
``boom`` fails, ``echo …`` says exactly what follows, ``long`` writes a very long answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.agent import AgentReply, AgentTurn, Tools


@dataclass
class ScriptedAgent:
    name: str = "scripted"
    slow_seconds: float = 1.5
    gate: asyncio.Event | None = None
    turns: list[AgentTurn] = field(default_factory=list)

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        self.turns.append(turn)
        verb, _, rest = turn.text.strip().partition(" ")
        verb = verb.lower()
        if verb == "add":
            lines = []
            for title in (t.strip() for t in rest.split(";") if t.strip()):
                call = await tools.call("add_task", {"title": title})
                lines.append(f"Added #{call.result['task']['number']} {title}")
            return AgentReply(text="\n".join(lines))
        if verb == "list":
            call = await tools.call("list_tasks", {})
            tasks = call.result["tasks"]
            return AgentReply(
                text="\n".join(f"#{t['number']} {t['title']}" for t in tasks) or "Nothing open."
            )
        if verb == "done":
            call = await tools.call("complete_task", {"number": int(rest)})
            return AgentReply(text=f"Done #{rest}" if call.result["ok"] else call.result["message"])
        if verb == "slow":
            if self.gate is not None:
                await self.gate.wait()
            else:
                await asyncio.sleep(self.slow_seconds)
            return AgentReply(text=f"Finally: {rest}")
        if verb == "boom":
            raise RuntimeError("the scripted agent was told to fail")
        if verb == "echo":
            return AgentReply(text=rest)
        if verb == "long":
            return AgentReply(text="\n".join(f"line {i}: " + "x" * 90 for i in range(120)))
        return AgentReply(text=f"You said: {turn.text} ({len(turn.history)} before)")
