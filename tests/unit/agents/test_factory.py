from __future__ import annotations

import pytest

from bot.agents.factory import model_configured, resolve_backend
from bot.config import AgentSettings


@pytest.mark.parametrize(
    ("settings", "env", "expected"),
    [
        (AgentSettings(), {}, "rules"),
        (AgentSettings(), {"OPENAI_API_KEY": "   "}, "rules"),
        (AgentSettings(), {"OPENAI_API_KEY": "sk-x"}, "openai"),
        (AgentSettings(), {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, "openai"),
        (AgentSettings(base_url="http://127.0.0.1:8080/v1"), {}, "openai"),
        (AgentSettings(backend="rules"), {"OPENAI_API_KEY": "sk-x"}, "rules"),
        (AgentSettings(backend="hybrid"), {}, "hybrid"),
    ],
)
def test_auto_picks_openai_only_when_a_model_is_configured(settings, env, expected) -> None:
    assert resolve_backend(settings, env) == expected


def test_model_configured_reads_the_given_environment_only(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-process")
    assert model_configured(AgentSettings(), {}) is False


async def test_build_agent_wires_each_backend() -> None:
    from bot.agents.factory import build_agent
    from bot.agents.hybrid import HybridAgent
    from bot.agents.openai_chat import OpenAIAgent
    from bot.agents.rules import RulesAgent

    assert isinstance(build_agent(AgentSettings(), {}), RulesAgent)

    model = build_agent(AgentSettings(), {"OPENAI_API_KEY": "sk-x"})
    assert isinstance(model, OpenAIAgent)
    await model.aclose()

    hybrid = build_agent(AgentSettings(backend="hybrid", base_url="http://127.0.0.1:9/v1"), {})
    assert isinstance(hybrid, HybridAgent)
    assert hybrid.name == "hybrid"
    await hybrid.aclose()


@pytest.mark.parametrize("backend", ["openai", "hybrid"])
def test_a_model_backend_without_key_or_url_is_a_one_line_config_error(backend) -> None:
    from bot.agents.factory import build_agent
    from bot.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        build_agent(AgentSettings(backend=backend), {})
    message = str(caught.value)
    assert "\n" not in message
    assert "OPENAI_API_KEY" in message
    assert "OPENAI_BASE_URL" in message
