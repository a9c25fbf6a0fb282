"""Tuning of a consumer runner."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .backoff import Backoff


class KafkaConsumerSettings(Protocol):
    """The Kafka fields of a service's settings (see huleedu_service_libs.config)."""

    kafka_session_timeout_ms: int
    kafka_heartbeat_interval_ms: int
    kafka_max_poll_records: int


@dataclass(frozen=True, slots=True)
class ConsumerOptions:
    """How a ConsumerRunner talks to the broker and treats failures.

    `max_attempts` bounds the attempts for non-transient handler errors (then the record is
    dead-lettered or skipped); transient errors are retried with `transient_backoff` until they
    succeed or a stop is requested. A handler timeout counts as a transient error, so keep
    `handler_timeout_s` well under `max_poll_interval_ms`.

    `max_concurrency` > 1 handles records of different keys (and partitions) of a fetched batch
    concurrently, records of one key still in order; handlers must then be safe to run
    concurrently (they are idempotent anyway).
    """

    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000
    max_poll_records: int = 500
    max_poll_interval_ms: int = 300_000
    poll_timeout_ms: int = 1_000
    handler_timeout_s: float | None = None
    max_attempts: int = 3
    retry_backoff: Backoff = field(default_factory=lambda: Backoff(0.1, 2.0))
    transient_backoff: Backoff = field(default_factory=lambda: Backoff(0.2, 10.0))
    connect_timeout_s: float = 30.0
    client_id: str | None = None
    max_concurrency: int = 1

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.heartbeat_interval_ms >= self.session_timeout_ms:
            raise ValueError("heartbeat_interval_ms must be below session_timeout_ms")

    @classmethod
    def from_settings(cls, settings: KafkaConsumerSettings, **overrides: Any) -> ConsumerOptions:
        base = cls(
            session_timeout_ms=settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
            max_poll_records=settings.kafka_max_poll_records,
        )
        return replace(base, **overrides)
