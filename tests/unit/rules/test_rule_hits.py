"""``benchmarks/rule_hits.py``: the rule that read a message, from the table's DEBUG log."""

from __future__ import annotations

import logging
from datetime import datetime

from benchmarks.rule_hits import expected_kind, rule_names, rule_of

NOW = datetime(2026, 11, 18, 9, 0)


def test_names_the_rule_that_read_the_message() -> None:
    with rule_names() as names:
        assert rule_of(names, "add call the bank", now=NOW) == "add"
        assert rule_of(names, "what's on my list?", now=NOW) == "list"
        assert rule_of(names, "%%%% ???? ####", now=NOW) == "(none)"


def test_leaves_the_logger_as_it_was() -> None:
    logger = logging.getLogger("bot.agents.rules.understand")
    before = (logger.level, logger.propagate, list(logger.handlers))
    with rule_names():
        pass
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_expected_kind_of_a_case() -> None:
    assert expected_kind({"unchanged": True}) == "none"
    assert expected_kind({"completed": [1]}) == "completed"
    assert expected_kind({"added": [{}], "deleted": [2]}) == "several"
    assert expected_kind({"reply_mentions": ["x"]}) == "other"
