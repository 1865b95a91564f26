"""The command line's parser: every command and option explains itself; bare ``run`` parses."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import build_parser
from bot.cli.run import choose_platforms
from bot.errors import ConfigError


def every_parser(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += every_parser(child)
    return found


def test_every_command_and_option_has_help() -> None:
    missing = []
    for parser in every_parser(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest for choice in action._choices_actions if choice.help}
                missing += [f"{parser.prog} {n}" for n in action.choices if n not in helped]
            elif not action.help:
                missing.append(f"{parser.prog} {action.dest}")
    assert missing == []


def test_bare_run_parses_and_names_go_through_the_platform_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = build_parser().parse_args(["run"])
    assert args.platforms == []
    monkeypatch.setenv("DISCORD_TOKEN", "x" * 20)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert choose_platforms(args.platforms) == ["discord"]
    with pytest.raises(ConfigError, match="choose from slack, discord"):
        choose_platforms(["telegram"])
