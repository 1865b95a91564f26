"""What a process counts: turns, failures, deduped events, reminders, connections.

:class:`Metrics` counts nothing — what the console and most tests use, at no import cost.
:class:`PrometheusMetrics` counts on a registry of its own (no import-time globals) for
``/metrics``; ``todobot run`` makes one. Names follow Prometheus conventions (``_total``
counters, ``_seconds`` histograms); labels are bounded sets — platform, outcome, error kind —
never ids or text, so cardinality stays small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

# Turns take milliseconds with the offline agent and seconds with a model.
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 90, 120)

# Outcomes of a turn, the ``outcome`` label.
ANSWERED = "answered"  # the agent answered (a refused tool call is still an answer)
FAILED = "failed"  # the person got an apology (agent, model or storage failure)
DUPLICATE = "duplicate"  # a redelivered event, dropped

ReminderEvent = Literal["due", "sent", "late"]


class Metrics:
    """The counting interface; this one counts nothing."""

    content_type = "text/plain; charset=utf-8"

    def turn_finished(self, *, platform: str, outcome: str, seconds: float) -> None:
        """A message was handled (``outcome``: ANSWERED, FAILED or DUPLICATE)."""

    def error(self, kind: str) -> None:
        """A failure that ended in an apology or a refused request."""

    def reminder(self, event: ReminderEvent, count: int = 1) -> None:
        """Reminders that came ``due``, were ``sent``, or were sent ``late``."""

    def watch_pool(self, *, in_use: Callable[[], float], size: Callable[[], float]) -> None:
        """Read the connection pool's figures at every scrape."""

    def exposition(self) -> bytes:
        return b""


class PrometheusMetrics(Metrics):
    def __init__(self) -> None:
        # Imported here: only serving processes pay for it, never a console command.
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
        from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

        self.content_type = CONTENT_TYPE_LATEST
        self._generate = generate_latest
        self.registry = reg = CollectorRegistry(auto_describe=True)
        self.turns = Counter(
            "todobot_turns",
            "Messages handled, by platform and outcome.",
            ("platform", "outcome"),
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "todobot_turn_seconds",
            "Time to answer one message (database, agent and tools), by platform and outcome.",
            ("platform", "outcome"),
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "todobot_errors",
            "Failures that ended in an apology or a refused request, by kind.",
            ("kind",),
            registry=self.registry,
        )
        self.deduped_events = Counter(
            "todobot_deduped_events",
            "Redelivered platform events dropped because they were already handled.",
            ("platform",),
            registry=self.registry,
        )
        late = "Reminders delivered later than their time (the process was down or busy)."
        self.reminders: dict[str, Any] = {
            "due": Counter("todobot_reminders_due", "Reminders that came due.", registry=reg),
            "sent": Counter("todobot_reminders_sent", "Reminders delivered.", registry=reg),
            "late": Counter("todobot_reminders_late", late, registry=reg),
        }
        self.pool_connections = Gauge(
            "todobot_db_pool_connections",
            "Database connections of this process, by state (in_use, size).",
            ("state",),
            registry=self.registry,
        )

    def turn_finished(self, *, platform: str, outcome: str, seconds: float) -> None:
        self.turns.labels(platform, outcome).inc()
        self.turn_seconds.labels(platform, outcome).observe(seconds)
        if outcome == DUPLICATE:
            self.deduped_events.labels(platform).inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def reminder(self, event: ReminderEvent, count: int = 1) -> None:
        self.reminders[event].inc(count)

    def watch_pool(self, *, in_use: Callable[[], float], size: Callable[[], float]) -> None:
        self.pool_connections.labels("in_use").set_function(in_use)
        self.pool_connections.labels("size").set_function(size)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        data: bytes = self._generate(self.registry)
        return data
