from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.agent import AgentReply, AgentTurn, Tools
from bot.agents.hybrid import HybridAgent
from bot.conversations import User

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


class Scripted:
    """An agent that answers with its name; the triage is confident about texts it knows."""

    def __init__(self, name: str, confident_about: tuple[str, ...] = (), crash: bool = False):
        self.name = name
        self.confident_about = confident_about
        self.crash = crash
        self.answered: list[str] = []

    async def confident(self, turn: AgentTurn) -> bool:
        if self.crash:
            raise RuntimeError("triage bug")
        return turn.text in self.confident_about

    async def respond(self, turn: AgentTurn, tools: Tools) -> AgentReply:
        self.answered.append(turn.text)
        return AgentReply(text=self.name, tokens_used=None if self.name == "rules" else 7)


def _turn(text: str) -> AgentTurn:
    user = User(id=1, display_name="Alice", timezone="UTC")
    return AgentTurn(user=user, text=text, history=[], now=NOW, tz=ZoneInfo("UTC"))


async def test_confident_turns_go_to_rules_and_the_rest_to_the_model() -> None:
    rules = Scripted("rules", confident_about=("done 2",))
    model = Scripted("model")
    hybrid = HybridAgent(triage=rules, model=model)
    tools = object()

    assert (await hybrid.respond(_turn("done 2"), tools)).text == "rules"  # type: ignore[arg-type]
    reply = await hybrid.respond(_turn("the dentist thing is sorted"), tools)  # type: ignore[arg-type]
    assert reply == AgentReply(text="model", tokens_used=7)
    assert rules.answered == ["done 2"]
    assert model.answered == ["the dentist thing is sorted"]
    assert hybrid.name == "hybrid"


async def test_a_crashing_triage_sends_the_turn_to_the_model(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rules = Scripted("rules", crash=True)
    model = Scripted("model")
    reply = await HybridAgent(triage=rules, model=model).respond(_turn("done 2"), object())  # type: ignore[arg-type]
    assert reply.text == "model"
    assert "triage by rules failed" in caplog.text
