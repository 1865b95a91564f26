"""Issue 12's families, fifth round: what the v10/v11 writers' phrasing showed, tested with
wording written for these tests (not the sets' own). Each group names the general mechanism it
checks: keyword slips in the normaliser, power-user shorthand as canonical marks, an emoji
that ends a lead-in, a labelled list, self-corrections, references by a property."""

from __future__ import annotations

import pytest

from bot.agents.rules.intents import AddTasks, Complete, Delete, Smalltalk, TaskRef, Update
from bot.tasks import Priority
from tests.unit.rules.conftest import Chat, read, titles

# Typing slips: the normaliser corrects keywords wherever they stand --------------------------


@pytest.mark.parametrize("text", ["makr 3 as dnoe", "set 3 as doen", "mark 3 as dome"])
def test_a_slipped_state_word_is_the_state(text: str) -> None:
    assert read(text) == Complete(TaskRef(numbers=(3,)))


@pytest.mark.parametrize("text", ["make 4 low priroity", "chnage 4 prioity to low"])
def test_a_slipped_priority_word_still_sets_the_priority(text: str) -> None:
    assert read(text) == Update(TaskRef(numbers=(4,)), priority=Priority.LOW)


def test_a_near_state_word_outside_the_state_slot_stays_as_typed() -> None:
    assert titles(read("add repaint the dome lamp")) == ["repaint the dome lamp"]


# Power-user shorthand: written the canonical way before any rule reads it -------------------


def test_x_before_each_number_completes_them() -> None:
    assert read("x3 x7") == Complete(TaskRef(numbers=(3, 7)))


def test_number_then_a_todoist_priority_sets_it() -> None:
    assert read("#6 p1") == Update(TaskRef(numbers=(6,)), priority=Priority.HIGH)


def test_a_bang_priority_is_an_option_of_the_new_task() -> None:
    intent = read("add fix the gate latch !low")
    assert isinstance(intent, AddTasks), intent
    assert [(t.title, t.priority) for t in intent.tasks] == [("fix the gate latch", Priority.LOW)]


def test_w_slash_before_a_number_is_with_but_stays_in_titles() -> None:
    assert read("finished w/ 5") == Complete(TaskRef(numbers=(5,)))
    assert titles(read("add coffee w/ Sam friday")) == ["coffee w/ Sam"]


def test_number_words_after_number_are_numbers() -> None:
    assert read("I have complete the number three and also number 6") == Complete(
        TaskRef(numbers=(3, 6)), confident=False
    )


# Lead-ins: an emoji after an exclamation ends chatter before a request -----------------------


def test_an_exclamation_and_an_emoji_end_a_lead_in() -> None:
    assert read("argh traffic was insane 😤 mark 4 done") == Complete(TaskRef(numbers=(4,)))
    intent = read("ugh so much email 😫 just move the tax forms to monday")
    assert isinstance(intent, Update) and intent.ref.words == "the tax forms", intent


def test_an_emoji_between_two_tasks_cuts_nothing() -> None:
    intent = read("water the ferns 🌿 add compost")
    assert not (isinstance(intent, AddTasks) and titles(intent) == ["compost"]), intent


def test_thanks_after_an_ampersand_and_a_greeting_stay_out_of_the_title() -> None:
    assert titles(read("no worries, also add return the drill sat pls & ty")) == [
        "return the drill"
    ]
    assert titles(read("heyyy add renew the parking permit")) == ["renew the parking permit"]


# Lists after a label, with no add word ------------------------------------------------------


def test_a_label_and_a_comma_list_adds_each_item() -> None:
    assert titles(read("hardware store: wood glue, sandpaper, two hinges")) == [
        "wood glue",
        "sandpaper",
        "two hinges",
    ]


def test_a_dated_label_gives_each_item_its_date() -> None:
    intent = read("todo sat: wash the car; clean the gutters")
    assert isinstance(intent, AddTasks), intent
    assert [(t.title, t.due) for t in intent.tasks] == [
        ("wash the car", "2026-11-21"),
        ("clean the gutters", "2026-11-21"),
    ]


def test_a_label_with_a_request_verb_is_no_list() -> None:
    intent = read("move: the sofa, the lamp")
    assert not isinstance(intent, AddTasks) or len(intent.tasks) < 2, intent


def test_joined_plus_bullets_stay_items() -> None:
    assert titles(read("+ book the vet + buy cat litter")) == ["book the vet", "buy cat litter"]


def test_a_markdown_checkbox_is_a_new_task() -> None:
    assert titles(read("- [ ] defrost the freezer")) == ["defrost the freezer"]


def test_each_comma_item_keeps_its_own_date() -> None:
    intent = read("add pay the gas bill mon, yoga thu 7pm, call grandpa sun")
    assert isinstance(intent, AddTasks), intent
    assert [(t.title, t.due) for t in intent.tasks] == [
        ("pay the gas bill", "2026-11-23"),
        ("yoga", "2026-11-19T19:00"),
        ("call grandpa", "2026-11-22"),
    ]


# Self-corrections ---------------------------------------------------------------------------


def test_a_correction_replaces_the_item_before_it() -> None:
    assert titles(read("add book the hotel — no wait, book the hostel")) == ["book the hostel"]
    assert titles(read("add apples, pears, wait no, plums")) == ["apples", "plums"]


def test_scratch_takes_an_item_back_out() -> None:
    assert titles(read("add rice, beans and salsa. actually scratch the beans")) == [
        "rice",
        "salsa",
    ]


# Date changes -------------------------------------------------------------------------------


def test_a_task_that_can_slip_moves() -> None:
    assert read("3 can slip to monday") == Update(TaskRef(numbers=(3,)), due="2026-11-23")


def test_the_deadline_for_a_task_is_its_due() -> None:
    assert read("new deadline for 2 is nov 30") == Update(TaskRef(numbers=(2,)), due="2026-11-30")


# Can't-do requests: sending a task somewhere -------------------------------------------------


@pytest.mark.parametrize("text", ["forward 3 to my accountant", "send a teams message about #2"])
def test_sending_a_task_is_an_honest_cannot(text: str) -> None:
    assert read(text) == Smalltalk("cannot", topic="email")


def test_emailing_someone_about_a_number_is_still_a_task() -> None:
    assert titles(read("email the landlord about 2 keys")) == ["email the landlord about 2 keys"]


# Renames ------------------------------------------------------------------------------------


def test_the_name_field_after_the_task_words_renames() -> None:
    intent = read("change the dentist task name to: see the orthodontist (he moved offices)")
    assert intent == Update(TaskRef(words="dentist"), title="see the orthodontist"), intent


def test_non_native_please_to_and_name_in() -> None:
    assert read("please to change name of task 2 in 'water the orchids'") == Update(
        TaskRef(numbers=(2,)), title="water the orchids"
    )
    assert titles(read("please to add buy stamps")) == ["buy stamps"]


# References by a property -------------------------------------------------------------------


async def test_the_one_due_on_a_day_is_the_one_open_task_due_then(chat: Chat) -> None:
    await chat.given(
        {"title": "call Ines", "due": "today"}, {"title": "file taxes", "due": "friday"}
    )
    await chat.say("the one due friday is finished")
    ines, taxes = await chat.task(1), await chat.task(2)
    assert ines is not None and not ines.completed
    assert taxes is not None and taxes.completed


async def test_two_tasks_due_that_day_ask_which(chat: Chat) -> None:
    await chat.given(
        {"title": "call Ines", "due": "today"}, {"title": "file taxes", "due": "today"}
    )
    await chat.say("the one due today is done")
    assert not any(t.completed for t in await chat.tasks())


async def test_the_last_one_on_the_list(chat: Chat) -> None:
    await chat.given({"title": "a"}, {"title": "b"}, {"title": "c"})
    await chat.say("delete the last one on my list")
    assert await chat.titles() == ["a", "b"]


async def test_all_n_named_ones_when_exactly_n_fit(chat: Chat) -> None:
    await chat.given(
        {"title": "receipt lunch"}, {"title": "walk"}, {"title": "receipt taxi"}, {"title": "x"}
    )
    await chat.say("both receipt ones are done")
    assert [t.number for t in await chat.tasks() if t.completed] == [1, 3]


async def test_all_n_named_ones_ask_when_the_count_differs(chat: Chat) -> None:
    await chat.given({"title": "receipt lunch"}, {"title": "receipt taxi"})
    await chat.say("all 3 receipt ones are done")
    assert not any(t.completed for t in await chat.tasks())


def test_delete_the_last_one_reads_as_last() -> None:
    assert read("delete the last one in the list") == Delete(TaskRef(last=True))


# Chatter tables: greetings, thanks and a non-native "please to" --------------------------------


def test_a_greeting_and_long_thanks_around_a_list_request() -> None:
    assert read("Good afternoon, show me my tasks please, thank you very much") == read("list")


def test_please_to_inside_chatter_starts_the_request() -> None:
    text = "Hi, I hope all is well. I would ask you please to remove the task number 2, it is old"
    assert read(text) == Delete(TaskRef(numbers=(2,)))


def test_a_note_after_a_comma_goes_to_the_task_named_before_it() -> None:
    intent = read("add a note to the passport one, bring two photos")
    assert intent == Update(TaskRef(words="the passport one"), note="bring two photos"), intent


def test_an_emptied_bracket_of_marks_leaves_the_title() -> None:
    assert titles(read("add call the bank (asap!!)")) == ["call the bank"]


async def test_the_time_one_is_the_open_task_due_at_that_time(chat: Chat) -> None:
    await chat.given(
        {"title": "standup", "due": "tomorrow 9am"}, {"title": "gym", "due": "tomorrow 6pm"}
    )
    await chat.say("push the 6pm one to 8pm")
    assert (await chat.due(2)).startswith("2026-11-19T20:00")
    assert (await chat.due(1)).startswith("2026-11-19T09:00")


def test_both_after_named_tasks_is_no_part_of_their_words() -> None:
    intent = read("plumber + insurance both ✅")
    assert isinstance(intent, Complete) and intent.ref.words == "plumber and insurance", intent
