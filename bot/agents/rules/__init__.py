"""The offline ``rules`` agent: pattern-based understanding of task language, no model."""

from bot.agents.rules.agent import RulesAgent

__all__ = ["RulesAgent"]
