"""Issue 12's families, fourth round: what a third unseen writer's phrasing showed, tested with
wording written for these tests (not the set's own). Each test names the general mechanism it
checks (normalisation to canonical marks, sentence splitting, quoted titles, chatter tables)."""

from __future__ import annotations

import pytest

from bot.agents.rules.intents import (
    AddTasks,
    AllTasks,
    Complete,
    Delete,
    ListTasks,
    Reopen,
    Several,
    Smalltalk,
    TaskRef,
    Update,
)
from bot.tasks import Priority
from tests.unit.rules.conftest import Chat, read, titles

# Canonical marks: one way of writing each mark reaches the rules ----------------------------


def test_parenthesised_numbers_are_item_marks() -> None:
    assert titles(read("stuff for the weekend (1) clean the grill (2) buy charcoal")) == [
        "clean the grill",
        "buy charcoal",
    ]


def test_square_brackets_hold_options_like_parentheses() -> None:
    intent = read("add oil the hinges [low] and wash the van [high, friday]")
    assert isinstance(intent, AddTasks), intent
    assert [(t.title, t.priority) for t in intent.tasks] == [
        ("oil the hinges", Priority.LOW),
        ("wash the van", Priority.HIGH),
    ]
    assert intent.tasks[1].due == "2026-11-20"


def test_a_plus_joins_task_numbers() -> None:
    assert read("finished 1 + 3") == Complete(TaskRef(numbers=(1, 3)))


@pytest.mark.parametrize("slip", ["compelted", "fnished", "finsihed", "comlpeted"])
def test_a_slip_in_a_long_status_word_anywhere(slip: str) -> None:
    assert read(f"set 2 as {slip}") == Complete(TaskRef(numbers=(2,)))


def test_a_real_word_is_no_slip_of_its_inflection() -> None:
    intent = read("remove the 5 and add hang the mirror")
    assert isinstance(intent, Several), intent
    assert isinstance(intent.changes[0], Delete)


def test_a_misspelled_question_word_still_asks_for_the_list() -> None:
    assert read("wat tasks have i completed") == ListTasks(status="completed")


def test_an_ordinal_item_names_the_task_number() -> None:
    assert read("the 2nd task on my list is done") == Complete(TaskRef(numbers=(2,)))


# Sentences: each read on its own, chatter left out --------------------------------------------


def test_a_chatter_sentence_before_a_request_is_left_out() -> None:
    assert titles(read("what a week it has been. add water the ferns")) == ["water the ferns"]


def test_a_statement_and_a_new_task_in_two_sentences() -> None:
    intent = read("3 got paid! new task: renew the parking permit")
    assert isinstance(intent, Several), intent
    first, second = intent.changes
    assert isinstance(first, Complete) and first.ref == TaskRef(numbers=(3,))
    assert titles(second) == ["renew the parking permit"]


def test_an_admission_then_a_numbered_reopen() -> None:
    assert read("ugh my mistake, 5 isn't finished yet") == Reopen(TaskRef(numbers=(5,)))


def test_chatter_that_names_the_task_is_not_dropped() -> None:
    intent = read("the old car is sold. scrap that task")
    assert not (isinstance(intent, Delete) and intent.confident and intent.ref.pronoun)


# Quoted titles are one piece ------------------------------------------------------------------


def test_a_quoted_title_with_a_dash_is_renamed_whole() -> None:
    assert read('retitle the boiler task to "boiler - annual service"') == Update(
        TaskRef(words="the boiler task"), title="boiler - annual service"
    )


def test_call_it_names_the_task_of_the_clause_before() -> None:
    assert read("the bakery one, name it 'order the cake' please") == Update(
        TaskRef(words="the bakery one"), title="order the cake"
    )


def test_a_task_number_in_the_first_clause_is_the_task() -> None:
    assert read("I typed 4 wrong, change it to 'ring Dr. Patel'") == Update(
        TaskRef(numbers=(4,)), title="ring Dr. Patel"
    )


# Chatter and labels around a title ------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "could you add pick up the suit for me? many thanks",
        "add pick up the suit haha finally",
        "add pick up the suit because the wedding is close",
        "Next step: pick up the suit",
        "dont forget - pick up the suit",
    ],
)
def test_the_title_is_what_goes_on_the_sticky_note(message: str) -> None:
    assert titles(read(message)) == ["pick up the suit"]


def test_instead_is_said_of_the_change_not_the_title() -> None:
    intent = read("delete the pilates one and add spin class friday 6pm instead")
    assert isinstance(intent, Several), intent
    assert titles(intent.changes[1]) == ["spin class"]


def test_please_and_which_is_between_the_add_and_the_title() -> None:
    assert titles(read("i'd like to add a task please, which is to book the vet")) == [
        "book the vet"
    ]


def test_put_that_down_too_after_the_title() -> None:
    assert titles(read("oh right, book the vet, jot that down too")) == ["book the vet"]


# Reopen, list-done, scope, can't --------------------------------------------------------------


@pytest.mark.parametrize("message", ["set 3 back to open", "bring #3 back as not done pls"])
def test_back_to_open_reopens(message: str) -> None:
    assert read(message) == Reopen(TaskRef(numbers=(3,)))


def test_not_finish_already_is_done() -> None:
    intent = read("make 1 low and also 2 is finish already")
    assert isinstance(intent, Several), intent
    assert intent.changes[1] == Complete(TaskRef(numbers=(2,)))


def test_the_things_i_already_finished_is_the_done_list() -> None:
    intent = read("let me see the things i already finished")
    assert isinstance(intent, ListTasks) and intent.status == "completed", intent


def test_everything_just_not_x_leaves_x() -> None:
    assert read("mark everything done, just not the insurance") == AllTasks(
        "complete", (TaskRef(words="the insurance"),)
    )


def test_mailing_the_task_list_is_an_honest_cannot() -> None:
    assert read("mail my task list to the team") == Smalltalk("cannot", topic="email")


def test_lower_it_and_move_it_are_two_changes_to_the_task() -> None:
    intent = read("5 can wait, lower it and push it to next week")
    assert isinstance(intent, Several), intent
    assert {type(c) for c in intent.changes} == {Update}
    assert all(c.ref == TaskRef(numbers=(5,)) for c in intent.changes)  # type: ignore[union-attr]


# Dates: the day word that describes a noun, "due 30th", a repeat with a day part ------------


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("add order food for the halloween party", "order food for the halloween party"),
        ("add prep slides for friday standup", "prep slides for friday standup"),
    ],
)
def test_a_day_word_before_an_event_noun_stays_in_the_title(message: str, title: str) -> None:
    intent = read(message)
    assert titles(intent) == [title]
    assert isinstance(intent, AddTasks) and intent.tasks[0].due is None


def test_due_and_a_bare_ordinal_day() -> None:
    intent = read("add renew the passport due 28th")
    assert isinstance(intent, AddTasks) and intent.tasks[0].due == "2026-11-28", intent


def test_every_weekday_with_a_day_part_leaves_the_title() -> None:
    intent = read("add take out recycling every thursday evening")
    assert titles(intent) == ["take out recycling"]


# Whole conversations: only the named task changes ---------------------------------------------


async def test_cancel_a_subscription_is_a_new_task_when_none_matches(chat: Chat) -> None:
    await chat.given({"title": "walk the dog"})
    await chat.say("cancel the gym subscription before it renews")
    assert await chat.titles() == ["walk the dog", "cancel the gym subscription before it renews"]


async def test_a_declined_payment_reopens_the_payment(chat: Chat) -> None:
    await chat.given({"title": "pay the water bill", "completed": True}, {"title": "call Jo"})
    await chat.say("the water bill payment bounced, so that one is open again")
    first, second = await chat.task(1), await chat.task(2)
    assert first is not None and not first.completed
    assert second is not None and not second.completed


# Second pass: an own fresh set (benchmarks/nl_cases_v10own.json) scored 80% first try --------


def test_a_quoted_title_is_never_normalised() -> None:
    assert read("rename 2 to '[draft] a + b (1) finsihed'") == Update(
        TaskRef(numbers=(2,)), title="[draft] a + b (1) finsihed"
    )


def test_lettered_items_in_brackets() -> None:
    assert titles(read("new ones: (a) descale the kettle (b) oil the bike chain")) == [
        "descale the kettle",
        "oil the bike chain",
    ]


def test_needs_reopening_with_a_reason() -> None:
    assert read("task 1 needs re-opening, the quote was wrong") == Reopen(TaskRef(numbers=(1,)))


def test_everything_i_have_finished_is_the_done_list() -> None:
    intent = read("show everything i have finished")
    assert isinstance(intent, ListTasks) and intent.status == "completed", intent


@pytest.mark.parametrize(
    "message", ["add sort the recycling? thx!!", "add sort the recycling btw the bin is full"]
)
def test_thanks_and_asides_after_a_title(message: str) -> None:
    assert titles(read(message)) == ["sort the recycling"]


def test_when_a_deed_was_done_is_no_task_word() -> None:
    assert read("got 1 and 3 done after lunch") == Complete(TaskRef(numbers=(1, 3)))


def test_something_that_must_happen_by_a_day_is_a_new_task() -> None:
    intent = read("the rent transfer has to happen monday at the latest")
    assert titles(intent) == ["the rent transfer has to happen"]
    assert isinstance(intent, AddTasks) and intent.tasks[0].due == "2026-11-23"


# Third pass: a second own fresh set (benchmarks/nl_cases_v11own.json) scored 70% first try --


def test_put_a_quoted_title_on_the_list_for_a_day() -> None:
    intent = read("stick 'defrost the fridge' on the list for friday")
    assert titles(intent) == ["defrost the fridge"]
    assert isinstance(intent, AddTasks) and intent.tasks[0].due == "2026-11-20"


@pytest.mark.parametrize("message", ["new task -> sand the deck", "Note for me: sand the deck"])
def test_arrow_and_note_for_me_labels(message: str) -> None:
    assert titles(read(message)) == ["sand the deck"]


def test_a_loose_statement_beside_an_explicit_add() -> None:
    intent = read("the gutter is cleared! also add buy a ladder")
    assert isinstance(intent, Several), intent
    first, second = intent.changes
    assert isinstance(first, Complete) and first.ref.words
    assert titles(second) == ["buy a ladder"]


def test_an_exclamation_before_the_request_is_chatter() -> None:
    assert titles(read("wow what a morning... add book the plumber")) == ["book the plumber"]


def test_a_clause_after_exclamation_marks_is_detail() -> None:
    intent = read("add renew the visa asap!! it runs out in march")
    assert titles(intent) == ["renew the visa"]
    assert isinstance(intent, AddTasks) and intent.tasks[0].priority == Priority.HIGH


def test_a_misspelled_whats() -> None:
    assert isinstance(read("wats due this week"), ListTasks)


# Fourth pass: a third own fresh set (benchmarks/nl_cases_v12own.json) scored 83% first try --


def test_a_plus_line_adds() -> None:
    assert titles(read("+ descale the coffee machine")) == ["descale the coffee machine"]


def test_i_need_that_you_add() -> None:
    assert titles(read("i want that you add water the orchids")) == ["water the orchids"]


@pytest.mark.parametrize(
    "message", ["add oil the gate, nothing urgent", "add oil the gate - not that important"]
)
def test_a_negated_urgency_is_low_never_high(message: str) -> None:
    intent = read(message)
    assert titles(intent) == ["oil the gate"]
    assert isinstance(intent, AddTasks) and intent.tasks[0].priority == Priority.LOW


def test_a_phrasal_verb_that_did_not_happen_reopens() -> None:
    intent = read("the boxes weren't sent off after all")
    assert isinstance(intent, Reopen) and intent.ref.words, intent


def test_an_adverb_before_need_to() -> None:
    intent = read("i seriously need to sort out the loft this weekend")
    assert titles(intent) == ["sort out the loft"]


# Fifth pass: a fourth own fresh set (benchmarks/nl_cases_v13own.json) scored 93% first try --


def test_a_clause_in_brackets_is_detail() -> None:
    intent = read("add service the boiler (it was making noises again)")
    assert isinstance(intent, AddTasks), intent
    assert [(t.title, t.description) for t in intent.tasks] == [
        ("service the boiler", "it was making noises again")
    ]


# Sixth pass: a fifth own fresh set (benchmarks/nl_cases_v14own.json) scored 67% first try ---


def test_an_arrow_to_a_state_is_no_rename() -> None:
    assert read("2 → not done") == Reopen(TaskRef(numbers=(2,)))
    assert read("#2 => finished") == Complete(TaskRef(numbers=(2,)))


def test_end_of_a_month_by_name() -> None:
    intent = read("add file the VAT return by end of february")
    assert isinstance(intent, AddTasks) and intent.tasks[0].due == "2027-02-28", intent
    assert titles(intent) == ["file the VAT return"]


def test_pasted_dash_bullets_are_items() -> None:
    assert titles(read("- descale kettle - defrost freezer - bleed radiators")) == [
        "descale kettle",
        "defrost freezer",
        "bleed radiators",
    ]


def test_recently_completed_is_the_done_list() -> None:
    intent = read("recently finished?")
    assert isinstance(intent, ListTasks) and intent.status == "completed", intent


async def test_do_it_again_reopens_the_task_named_before(chat: Chat) -> None:
    await chat.given({"title": "paint the shed", "completed": True}, {"title": "mow the lawn"})
    await chat.say("rain washed the shed paint off, need to paint it again")
    first, second = await chat.task(1), await chat.task(2)
    assert first is not None and not first.completed
    assert second is not None and not second.completed


async def test_words_a_dash_and_a_value_change_the_task_they_name(chat: Chat) -> None:
    await chat.given({"title": "order the birthday cake"}, {"title": "walk the dog"})
    await chat.say("birthday cake - urgent")
    cake, dog = await chat.task(1), await chat.task(2)
    assert cake is not None and cake.priority == Priority.HIGH
    assert dog is not None and dog.priority == Priority.MEDIUM
    assert len(await chat.titles()) == 2


async def test_words_a_dash_and_a_value_add_when_no_task_fits(chat: Chat) -> None:
    await chat.given({"title": "walk the dog"})
    await chat.say("passport photos - high priority")
    assert await chat.titles() == ["walk the dog", "passport photos"]


# Seventh pass: a sixth own fresh set (benchmarks/nl_cases_v15own.json) scored 80% first try --


def test_no_longer_needed_without_a_subject() -> None:
    intent = read("don't need the spare keys anymore")
    assert isinstance(intent, Delete) and intent.ref.words, intent


def test_remind_me_what_is_a_list_request() -> None:
    assert isinstance(read("remind me what's due this week"), ListTasks)


def test_an_emoji_before_a_clause_ends_the_title() -> None:
    assert titles(read("add replace the toaster 😩 it just died")) == ["replace the toaster"]


def test_can_i_share_is_an_honest_cannot() -> None:
    assert read("can we share my list with the flatmates?") == Smalltalk("cannot", topic="share")


# Eighth pass: a seventh own fresh set (benchmarks/nl_cases_v16own.json) scored 87% first try -


def test_adding_as_a_label() -> None:
    assert titles(read("adding: clear the gutters")) == ["clear the gutters"]


def test_a_bracketed_clause_about_someone_is_detail() -> None:
    assert titles(read("add text Mia (she's waiting for the address)")) == ["text Mia"]


def test_items_that_are_requests_never_become_titles() -> None:
    assert not isinstance(read("1) done 2) move 4 to friday"), AddTasks)
