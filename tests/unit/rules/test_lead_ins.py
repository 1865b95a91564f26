"""Issue 12, chatter before a request: a request marker ("can u", "pls", "i need u to") right
before a request verb ends a lead-in of any wording, unless the words before it hold a request
of their own. Phrasings written for these tests."""

from __future__ import annotations

from bot.agents.rules.intents import AddTasks, Delete
from tests.unit.rules.conftest import read, titles


def test_a_lead_in_of_any_wording_before_can_u_add_is_chatter() -> None:
    assert titles(read("long day at the depot tbh can u add oil the forklift")) == [
        "oil the forklift"
    ]


def test_u_stands_for_you_in_i_need_you_to() -> None:
    assert titles(read("i need u to add water the ferns")) == ["water the ferns"]


def test_a_lead_in_before_pls_delete_leaves_the_delete() -> None:
    intent = read("rainy monday over here - pls delete the umbrella one")
    assert isinstance(intent, Delete), intent
    assert "umbrella" in intent.ref.words


def test_a_pronoun_after_the_verb_points_back_at_the_words_before() -> None:
    assert titles(read("repaint the fence, can you add that")) == ["repaint the fence"]


def test_a_deed_before_the_marker_stays_a_request_of_its_own() -> None:
    # The deed is not cut away as chatter (which would leave only the add).
    intent = read("fixed the sink, also can u add buy a plunger")
    assert not isinstance(intent, AddTasks), intent


def test_a_title_that_holds_a_marker_is_not_cut() -> None:
    intent = read('add "ask if she can u know add me to the rota"')
    assert isinstance(intent, AddTasks), intent
    assert titles(intent) == ["ask if she can u know add me to the rota"]
