"""Prometheus metrics of one process, on a registry of its own (no import-time globals).

Names follow Prometheus conventions (``_total`` counters, ``_seconds`` histograms). Labels are
bounded sets — platform, outcome, error kind — never ids or text, so cardinality stays small.
The reminders scheduler counts through :attr:`Metrics.reminders_due`, ``reminders_sent`` and
``reminders_late``.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# Turns take milliseconds with the offline agent and seconds with a model.
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 90, 120)
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Outcomes of a turn, the ``outcome`` label.
ANSWERED = "answered"  # the agent answered (a refused tool call is still an answer)
FAILED = "failed"  # the person got an apology (agent, model or storage failure)
DUPLICATE = "duplicate"  # a redelivered event, dropped


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
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
            "Failures that ended in an apology or a lost delivery, by kind.",
            ("kind",),
            registry=self.registry,
        )
        self.deduped_events = Counter(
            "todobot_deduped_events",
            "Redelivered platform events dropped because they were already handled.",
            ("platform",),
            registry=self.registry,
        )
        self.reminders_due = Counter(
            "todobot_reminders_due", "Reminders that came due.", registry=self.registry
        )
        self.reminders_sent = Counter(
            "todobot_reminders_sent", "Reminders delivered.", registry=self.registry
        )
        self.reminders_late = Counter(
            "todobot_reminders_late",
            "Reminders delivered later than their time (the process was down or busy).",
            registry=self.registry,
        )
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

    def watch_pool(self, *, in_use: Callable[[], float], size: Callable[[], float]) -> None:
        """Read the pool's figures at every scrape."""
        self.pool_connections.labels("in_use").set_function(in_use)
        self.pool_connections.labels("size").set_function(size)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
