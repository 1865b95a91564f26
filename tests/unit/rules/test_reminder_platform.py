"""Rule "reminder-platform": where reminders go, in words; task requests stay tasks."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.intents import AddTasks
from bot.agents.rules.notice_place import ReminderPlatform
from bot.agents.rules.understand import understand

NOW = datetime(2026, 12, 2, 10, 0)


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("send my reminders on discord", "discord"),
        ("remind me on slack", "slack"),
        ("Reminders here please", "here"),
        ("please send my reminders here", "here"),
        ("remind me on the console", "console"),
        ("my reminders should go to discord", "discord"),
        ("<@U1> remind me on discord!", "discord"),
        ("reminders on slack from now on", "slack"),
        ("send reminders wherever I am", "last"),
        ("reminders where I last spoke", "last"),
    ],
)
def test_choosing_where_reminders_go(text: str, platform: str) -> None:
    assert understand(text, now=NOW) == ReminderPlatform(platform)


@pytest.mark.parametrize(
    "text",
    ["remind me on friday to pay rent", "remind me to call slack support", "remind me to discord"],
)
def test_reminders_about_things_stay_tasks(text: str) -> None:
    assert isinstance(understand(text, now=NOW), AddTasks)


def test_sending_reminders_to_a_platform() -> None:
    assert understand("send my reminders to discord", now=NOW) == ReminderPlatform("discord")
