"""The learned guard on new tasks read without an add word (``task_likeness``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from benchmarks.train_task_likeness import MODEL_PATH, case_files, train_on
from bot.agents.rules import task_likeness
from bot.agents.rules.intents import AddTasks, NotUnderstood
from bot.agents.rules.understand import understand

NOW = datetime(2026, 11, 18, 9, 0)


def test_the_shipped_model_is_what_the_repository_cases_train() -> None:
    # Reproducible from data in the repo: retraining gives the shipped file byte for byte, so
    # a case file changed without retraining fails here.
    assert train_on(case_files()).to_json() == MODEL_PATH.read_text(encoding="utf-8")


def test_training_weighs_words_by_the_class_they_come_with() -> None:
    model = task_likeness.train(
        [
            ("buy milk", True),
            ("buy bread", True),
            ("buy eggs", True),
            ("thanks a lot", False),
            ("thanks mate", False),
            ("thanks again", False),
        ]
    )
    assert model.weights["w:buy"] > 0 > model.weights["w:thanks"]
    assert model.score("buy stamps") > task_likeness.THRESHOLD > model.score("thanks so much")


def test_training_needs_both_kinds() -> None:
    with pytest.raises(ValueError, match="both kinds"):
        task_likeness.train([("buy milk", True)])


def test_features_treat_every_number_alike() -> None:
    assert task_likeness.features("yoga 6pm") == task_likeness.features("yoga 7pm")


def test_labels_come_from_the_expectation() -> None:
    cases = [
        {"say": "dentist fri 3pm", "expect": {"added": [{"title_any": ["dentist"]}]}},
        {"say": "brb", "expect": {"unchanged": True}},
        {"say": "done 2", "expect": {"completed": [2]}},
        {"say": "add a, done 1", "expect": {"added": [{"title_any": ["a"]}], "completed": [1]}},
        {"expect": {"unchanged": True}},
    ]
    assert task_likeness.labelled(cases) == [
        ("dentist fri 3pm", True),
        ("brb", False),
        ("done 2", False),
        ("add a, done 1", False),
    ]


# Written for this test, not taken from any case set. The first three are read as new tasks by
# the rule alone; the model turns them into "not understood" (nothing added, and the reply says
# how to add). The others are sticky notes the model must keep.
@pytest.mark.parametrize("message", ["ur awesome", "nice work bot", "back in 5"])
def test_chatter_the_rule_alone_would_add_changes_nothing(message: str) -> None:
    with task_likeness.using(task_likeness.EVERYTHING):
        assert isinstance(understand(message, now=NOW), AddTasks)
    assert isinstance(understand(message, now=NOW), NotUnderstood)


@pytest.mark.parametrize(
    "message",
    [
        "car service fri 9am",
        "book a table for saturday",
        "renew library card",
        "yoga class mon 6pm",
        "buy stamps",
        "swap the winter tyres",
    ],
)
def test_sticky_notes_stay_new_tasks(message: str) -> None:
    intent = understand(message, now=NOW)
    assert isinstance(intent, AddTasks) and len(intent.tasks) == 1
