"""Builds the configured agent backend."""

from __future__ import annotations

from collections.abc import Mapping

from bot.agent import Agent
from bot.config import AgentSettings
from bot.errors import ConfigError


def build_agent(settings: AgentSettings, env: Mapping[str, str] | None = None) -> Agent:
    backend = settings.backend
    if backend == "auto":
        backend = "rules"
    if backend == "rules":
        from bot.agents.rules import RulesAgent

        return RulesAgent()
    raise ConfigError(f"The {backend!r} agent backend is not available in this build.")
