"""Prometheus metrics of the consumer runner, created once per registry."""

from __future__ import annotations

import threading
import weakref
from enum import StrEnum

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

MESSAGES_TOTAL = "huleedu_kafka_messages_total"
HANDLE_SECONDS = "huleedu_kafka_handle_seconds"

_HANDLE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Outcome(StrEnum):
    """Values of the `outcome` label.

    Every message ends in exactly one of handled / skipped / dead_lettered. `failed` counts each
    failed attempt (an invalid envelope included) and `retried` each retry that follows one.
    """

    HANDLED = "handled"
    FAILED = "failed"
    RETRIED = "retried"
    SKIPPED = "skipped"
    DEAD_LETTERED = "dead_lettered"


class ConsumerMetrics:
    """The two consumer metrics, with their labelled children cached (hot path)."""

    def __init__(self, messages: Counter, handle_seconds: Histogram) -> None:
        self.messages = messages
        self.handle_seconds = handle_seconds
        self._counters: dict[tuple[str, str, Outcome], Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}

    def count(self, service: str, topic: str, outcome: Outcome) -> None:
        key = (service, topic, outcome)
        child = self._counters.get(key)
        if child is None:
            child = self._counters[key] = self.messages.labels(service, topic, outcome.value)
        child.inc()

    def observe(self, service: str, topic: str, seconds: float) -> None:
        key = (service, topic)
        child = self._histograms.get(key)
        if child is None:
            child = self._histograms[key] = self.handle_seconds.labels(service, topic)
        child.observe(seconds)


_by_registry: weakref.WeakKeyDictionary[CollectorRegistry, ConsumerMetrics] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def consumer_metrics(registry: CollectorRegistry | None = None) -> ConsumerMetrics:
    """The consumer metrics registered in `registry` (default: the global one), made once."""
    target = registry if registry is not None else REGISTRY
    with _lock:
        existing = _by_registry.get(target)
        if existing is None:
            existing = _create(target)
            _by_registry[target] = existing
        return existing


def _create(registry: CollectorRegistry) -> ConsumerMetrics:
    messages = Counter(
        MESSAGES_TOTAL,
        "Kafka messages by consumer outcome",
        ["service", "topic", "outcome"],
        registry=registry,
    )
    handle_seconds = Histogram(
        HANDLE_SECONDS,
        "Time spent in a consumer handler (one attempt)",
        ["service", "topic"],
        buckets=_HANDLE_BUCKETS,
        registry=registry,
    )
    return ConsumerMetrics(messages=messages, handle_seconds=handle_seconds)
