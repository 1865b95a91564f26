"""How much a message without an add word reads like a new task: a small learned model.

The last rule of the table takes a short phrase with no other reading as a new task ("dentist
thurs 3pm", "order contact lenses"). On phrasing nobody had seen, that rule was wrong far more
often than right: chatter ("brb lunch", "thanks so much ur a lifesaver") and requests the bot
cannot carry out ("email the invoice to …") became tasks. Which words make a phrase a sticky
note is a matter of vocabulary that rules cannot list, so it is learned: a naive Bayes model
over the words of every labelled message in the repository's case sets (``benchmarks/``), where
"a new task and nothing else" is one class and every other expectation the other.

The model ships as ``task_likeness.json`` and is rebuilt, byte for byte, from the case files by
``python -m benchmarks.train_task_likeness``. The threshold was chosen by leaving out one case
set at a time and scoring the rule on it (the script prints that table).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.agents.rules.intents import AddTasks, Intent, NotUnderstood
from bot.dates.lazy import LazyPattern

# Below this log-odds a phrase is not taken as a new task without an add word: the agent says it
# did not understand, and the person can say "add …". Chosen by cross-validation (module doc).
THRESHOLD = -1.0
# Features seen in fewer labelled messages than this carry no weight: too rare to trust, and
# leaving them out keeps the shipped file small.
MIN_COUNT = 2
# Additive smoothing of the per-class document frequencies.
SMOOTHING = 0.5
MODEL_FILE = "task_likeness.json"

# Letters, digits, and the few symbols that carry meaning in task messages (#2, !high, @dana,
# "todo:", "?").
_TOKEN = LazyPattern(r"[a-z]+|\d+|[#!@:?]")


def features(message: str) -> list[str]:
    """The words, word pairs, first word(s) and length of a message, as feature names."""
    # Digits as one word: "4pm" and "10:30" teach the same thing as "3pm" and "9:15".
    words = ["0" if token.isdigit() else token for token in _TOKEN.findall(message.lower())]
    found = [f"w:{w}" for w in words]
    found += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    if words:
        found.append(f"first:{words[0]}")
    if len(words) > 1:
        found.append(f"first2:{words[0]}_{words[1]}")
    found.append(f"len:{min(len(words) // 3, 5)}")
    return sorted(set(found))


@dataclass(frozen=True, slots=True)
class TaskLikeness:
    """Log-odds that a message is a new task: a prior plus one weight per known feature."""

    prior: float
    weights: Mapping[str, float]

    def score(self, message: str) -> float:
        return self.prior + sum(self.weights.get(name, 0.0) for name in features(message))

    def reads_as_task(self, message: str) -> bool:
        return self.score(message) >= THRESHOLD

    def to_json(self) -> str:
        body = {"prior": self.prior, "weights": dict(sorted(self.weights.items()))}
        return json.dumps(body, indent=0, sort_keys=True) + "\n"


def train(messages: Iterable[tuple[str, bool]]) -> TaskLikeness:
    """Fits the model on ``(message, is_new_task)`` pairs (deterministic for the same pairs)."""
    seen: dict[bool, dict[str, int]] = {True: {}, False: {}}
    totals = {True: 0, False: 0}
    for message, is_task in messages:
        totals[is_task] += 1
        for name in features(message):
            seen[is_task][name] = seen[is_task].get(name, 0) + 1
    if not totals[True] or not totals[False]:
        raise ValueError("training needs messages of both kinds")
    weights: dict[str, float] = {}
    for name in sorted(seen[True].keys() | seen[False].keys()):
        yes, no = seen[True].get(name, 0), seen[False].get(name, 0)
        if yes + no < MIN_COUNT:
            continue
        p_yes = (yes + SMOOTHING) / (totals[True] + 2 * SMOOTHING)
        p_no = (no + SMOOTHING) / (totals[False] + 2 * SMOOTHING)
        weights[name] = round(math.log(p_yes / p_no), 4)
    return TaskLikeness(round(math.log(totals[True] / totals[False]), 4), weights)


def from_json(text: str) -> TaskLikeness:
    body = json.loads(text)
    return TaskLikeness(float(body["prior"]), {k: float(v) for k, v in body["weights"].items()})


@cache
def shipped() -> TaskLikeness:
    """The model that ships with the package (read once, on the first phrase that needs it)."""
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return from_json(text)


_instead: list[TaskLikeness] = []


def reads_as_task(message: str) -> bool:
    model = _instead[-1] if _instead else shipped()
    return model.reads_as_task(message)


def unless_unlikely(intent: AddTasks | None, message: str) -> Intent | None:
    """``intent`` (a new task read without an add word), or "not understood" when the message
    reads unlike a task: nothing changes, and the person can say "add …"."""
    if intent is None or reads_as_task(message):
        return intent
    return NotUnderstood("reads unlike a task")


@contextmanager
def using(model: TaskLikeness) -> Iterator[None]:
    """Reads with ``model`` instead of the shipped one inside the block: for the trainer's
    cross-validation, which scores each case set with a model that never saw it."""
    _instead.append(model)
    try:
        yield
    finally:
        _instead.pop()


# Takes every phrase the rule reads as a task: the rule as it was before the model.
EVERYTHING = TaskLikeness(prior=float("inf"), weights={})


def labelled(cases: Sequence[Mapping[str, object]]) -> list[tuple[str, bool]]:
    """``(message, is_new_task)`` from cases in the format of ``../shared/eval``: a case whose
    only expectation is that tasks were added is a new task; every other case is not — small
    talk, questions, what the bot cannot do, and changes to existing tasks, whose wording
    ("the one due friday, bump it up") also reaches the rule the model guards."""
    pairs = []
    for case in cases:
        expect = case.get("expect")
        if not isinstance(expect, Mapping) or not isinstance(case.get("say"), str):
            continue
        changes = [
            k for k in ("added", "completed", "reopened", "deleted", "updated") if expect.get(k)
        ]
        pairs.append((str(case["say"]), changes == ["added"]))
    return pairs


__all__ = [
    "EVERYTHING",
    "THRESHOLD",
    "TaskLikeness",
    "features",
    "labelled",
    "reads_as_task",
    "shipped",
    "train",
    "unless_unlikely",
    "using",
]
