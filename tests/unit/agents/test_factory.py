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
