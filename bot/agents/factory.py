"""Builds the configured agent: the composition root calls :func:`build_agent` once."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.agent import Agent
from bot.config import AgentSettings, optional_secret
from bot.errors import ConfigError


def model_configured(settings: AgentSettings, env: Mapping[str, str]) -> bool:
    """Whether a model is configured: an ``OPENAI_API_KEY`` or a base URL."""
    return optional_secret("OPENAI_API_KEY", env) is not None or bool(_base_url(settings, env))


def resolve_backend(settings: AgentSettings, env: Mapping[str, str]) -> str:
    """``auto`` → ``openai`` when a model is configured, else ``rules``; others as they are."""
    if settings.backend == "auto":
        return "openai" if model_configured(settings, env) else "rules"
    return settings.backend


def build_agent(settings: AgentSettings, env: Mapping[str, str] | None = None) -> Agent:
    """The agent ``[agent] backend`` names, wired with its offline fallback.

    Raises ``ConfigError`` (one line, naming what to set) when ``openai`` or ``hybrid`` is
    chosen explicitly without a key or base URL, or when the ``openai`` extra is missing.
    Agents that hold connections have an ``aclose()`` to call at shutdown.
    """
    env = os.environ if env is None else env
    backend = resolve_backend(settings, env)
    # Imported here: the rules package is optional to load until it is asked for, and it keeps
    # this module importable on its own.
    from bot.agents.rules import RulesAgent

    rules = RulesAgent()
    if backend == "rules":
        return rules
    base_url = _base_url(settings, env)
    key = optional_secret("OPENAI_API_KEY", env)
    if key is None and not base_url:
        raise ConfigError(
            f"The {backend} agent needs OPENAI_API_KEY in the environment (for OpenAI) or a "
            "base URL ([agent] base_url or OPENAI_BASE_URL) for a local model server."
        )
    try:
        from bot.agents.openai_chat import OpenAIAgent
    except ImportError as exc:
        raise ConfigError(
            f"The {backend} agent needs the openai package: pip install 'todobot[openai]'."
        ) from exc
    model = OpenAIAgent(
        settings=settings,
        fallback=rules,
        api_key=key.get_secret_value() if key else None,
        base_url=base_url,
    )
    if backend == "hybrid":
        from bot.agents.hybrid import HybridAgent

        return HybridAgent(triage=rules, model=model)
    return model


def _base_url(settings: AgentSettings, env: Mapping[str, str]) -> str | None:
    return settings.base_url or env.get("OPENAI_BASE_URL", "").strip() or None
