"""Pure pieces of the Kafka package: backoff, offset bookkeeping, records, metrics, options."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from huleedu_service_libs.kafka import (
    Backoff,
    ConsumedRecord,
    ConsumerOptions,
    Outcome,
    consumer_metrics,
)
from huleedu_service_libs.kafka.offsets import OffsetTracker

TP_A = TopicPartition("topic-a", 0)
TP_B = TopicPartition("topic-a", 1)


def test_backoff_grows_exponentially_and_is_capped() -> None:
    backoff = Backoff(initial_s=0.1, max_s=1.0, multiplier=2.0)
    delays = [backoff.delay(attempt) for attempt in range(1, 7)]
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert backoff.delay(10_000) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"initial_s": -1.0}, {"initial_s": 2.0, "max_s": 1.0}, {"multiplier": 0.5}],
)
def test_backoff_rejects_invalid_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


def test_backoff_attempts_are_one_based() -> None:
    with pytest.raises(ValueError):
        Backoff().delay(0)


def test_offsets_pending_is_last_processed_plus_one() -> None:
    tracker = OffsetTracker()
    tracker.mark_processed(TP_A, 4)
    tracker.mark_processed(TP_A, 5)
    tracker.mark_processed(TP_B, 0)
    assert tracker.pending() == {TP_A: 6, TP_B: 1}


def test_offsets_never_move_backwards() -> None:
    tracker = OffsetTracker()
    tracker.mark_processed(TP_A, 9)
    tracker.mark_processed(TP_A, 3)
    assert tracker.pending() == {TP_A: 10}


def test_committed_offsets_leave_pending_unless_processing_moved_on() -> None:
    tracker = OffsetTracker()
    tracker.mark_processed(TP_A, 1)
    tracker.mark_processed(TP_B, 1)
    snapshot = tracker.pending()
    tracker.mark_processed(TP_B, 2)  # processed while the commit was in flight
    tracker.mark_committed(snapshot)
    assert tracker.pending() == {TP_B: 3}


def test_discard_and_pending_for_select_partitions() -> None:
    tracker = OffsetTracker()
    tracker.mark_processed(TP_A, 1)
    tracker.mark_processed(TP_B, 7)
    assert tracker.pending_for([TP_B]) == {TP_B: 8}
    tracker.discard([TP_B])
    assert tracker.pending() == {TP_A: 2}
    tracker.discard([TP_A])
    assert not tracker


@dataclass
class _FakeKafkaRecord:
    topic: str = "t"
    partition: int = 2
    offset: int = 41
    key: bytes | None = b"batch-1"
    value: bytes | None = b"{}"
    headers: tuple[tuple[str, bytes], ...] = (("event_id", b"abc"), ("x", b"1"))
    timestamp: int = 1_700_000_000_000


def test_consumed_record_from_kafka_record() -> None:
    record = ConsumedRecord.from_kafka(_FakeKafkaRecord())
    assert (record.topic, record.partition, record.offset) == ("t", 2, 41)
    assert record.key_str == "batch-1"
    assert record.header("event_id") == "abc"
    assert record.header("missing") is None
    assert record.timestamp_ms == 1_700_000_000_000


def test_consumed_record_with_null_value_and_key() -> None:
    record = ConsumedRecord.from_kafka(_FakeKafkaRecord(key=None, value=None, headers=()))
    assert record.value == b""
    assert record.key_str is None


def test_metrics_are_created_once_per_registry() -> None:
    registry = CollectorRegistry()
    first = consumer_metrics(registry)
    assert consumer_metrics(registry) is first
    first.count("svc", "topic-a", Outcome.HANDLED)
    first.count("svc", "topic-a", Outcome.HANDLED)
    first.observe("svc", "topic-a", 0.002)
    labels = {"service": "svc", "topic": "topic-a", "outcome": "handled"}
    assert registry.get_sample_value("huleedu_kafka_messages_total", labels) == 2.0
    count = registry.get_sample_value(
        "huleedu_kafka_handle_seconds_count", {"service": "svc", "topic": "topic-a"}
    )
    assert count == 1.0
    assert consumer_metrics(CollectorRegistry()) is not first


@dataclass
class _Settings:
    kafka_session_timeout_ms: int = 3000
    kafka_heartbeat_interval_ms: int = 500
    kafka_max_poll_records: int = 100


def test_options_from_settings_with_overrides() -> None:
    options = ConsumerOptions.from_settings(_Settings(), max_attempts=5)
    assert options.session_timeout_ms == 3000
    assert options.heartbeat_interval_ms == 500
    assert options.max_poll_records == 100
    assert options.max_attempts == 5


def test_options_reject_inconsistent_values() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        ConsumerOptions(max_attempts=0)
    with pytest.raises(ValueError, match="heartbeat"):
        ConsumerOptions(session_timeout_ms=1000, heartbeat_interval_ms=1000)
