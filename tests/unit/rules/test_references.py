"""References to tasks: parsing numbers and words, and choosing strictly among tasks."""

from __future__ import annotations

import pytest

from bot.agents.rules.intents import TaskRef
from bot.agents.rules.refs import parse_ref
from bot.tools.matching import Choice, pick, query_words, score

TASKS = [
    (1, "pay rent", False),
    (2, "rent a car for the trip", False),
    (3, "call mom", False),
    (4, "call mom about the trip", False),
    (5, "buy milk", True),
    (6, "buy oat milk", False),
    (7, "prep meeting notes", False),
    (8, "book meeting room", False),
    (9, "renew passport", True),
    (10, "dentist appointment", False),
    (11, "buy birthday gift for Leo", False),
]


def choose(query: str, prefer: str = "any", tasks: list[tuple[int, str, bool]] = TASKS) -> Choice:
    words = query_words(query)
    found = [
        s
        for n, t, done in tasks
        if (s := score(words, number=n, title=t, description="", completed=done))
    ]
    return pick(found, prefer=prefer)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("3", TaskRef(numbers=(3,))),
        ("#3", TaskRef(numbers=(3,))),
        ("task 3", TaskRef(numbers=(3,))),
        ("number 3", TaskRef(numbers=(3,))),
        ("1, 3 and 4", TaskRef(numbers=(1, 3, 4))),
        ("#1 & #3", TaskRef(numbers=(1, 3))),
        ("tasks 2-4", TaskRef(numbers=(2, 3, 4))),
        ("the second one", TaskRef(numbers=(2,))),
        ("it", TaskRef(pronoun=True)),
        ("that one", TaskRef(pronoun=True)),
        ("the rent one", TaskRef(words="the rent one")),
        ("the milk, i got it yesterday", TaskRef(words="the milk")),
    ],
)
def test_parse_ref(text: str, ref: TaskRef) -> None:
    assert parse_ref(text) == ref


def test_filler_alone_names_nothing() -> None:
    assert parse_ref("the thing") is None
    assert parse_ref("") is None


@pytest.mark.parametrize(
    ("query", "prefer", "number"),
    [
        ("the rent", "any", 1),  # "rent" leads "rent a car": there it is only the verb
        ("paid the rent", "open", 1),
        ("the dentist one", "any", 10),
        ("oat milk", "any", 6),
        ("the milk", "open", 6),  # only one open task is about milk
        ("the milk", "completed", 5),
        ("the passport thing", "completed", 9),
        ("call mom", "any", 3),  # an exact title beats a longer one
        ("the car for the trip", "any", 2),
        ("pasport", "any", 9),  # a typo
        ("got the oat milk", "any", 6),  # "get" is "buy" here
        ("leo's present", "any", 11),
    ],
)
def test_pick_one(query: str, prefer: str, number: int) -> None:
    assert choose(query, prefer).number == number


@pytest.mark.parametrize(
    ("query", "candidates"),
    [
        ("the meeting", {7, 8}),
        ("the trip", {2, 4}),
    ],
)
def test_ambiguous_references_name_the_candidates(query: str, candidates: set[int]) -> None:
    choice = choose(query)
    assert choice.number is None
    assert {c.number for c in choice.candidates} == candidates


@pytest.mark.parametrize("query", ["call the plumber", "buy bread", "the gym", "book flights"])
def test_a_shared_verb_is_not_a_match(query: str) -> None:
    assert choose(query) == Choice(None)
