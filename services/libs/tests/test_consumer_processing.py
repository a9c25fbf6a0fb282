"""RecordProcessor: the error rules for one record, with fake handlers and sinks (no broker)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope, envelope_to_bytes
from common_core.events import EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.errors import TransientError
from huleedu_service_libs.kafka import (
    Backoff,
    ConsumedRecord,
    ConsumerOptions,
    DeadLetter,
    DeadLetterReason,
    consumer_metrics,
)
from huleedu_service_libs.kafka.handling import RecordProcessor, Route

TOPIC = topic_name(ProcessingEvent.ESSAY_VALIDATION_FAILED)
SERVICE = "unit_svc"


def _valid_value(batch_id: str = "b-1") -> bytes:
    data = EssayValidationFailed(
        batch_id=batch_id,
        file_upload_id="f-1",
        original_file_name="essay.txt",
        reason_code="empty_content",
        message="no text",
    )
    envelope = build_envelope(
        ProcessingEvent.ESSAY_VALIDATION_FAILED,
        data,
        source_service="file_service",
        correlation_id=uuid.uuid4(),
    )
    return envelope_to_bytes(envelope)


def _record(value: bytes, offset: int = 7) -> ConsumedRecord:
    return ConsumedRecord(
        topic=TOPIC, partition=0, offset=offset, key=b"b-1", value=value, headers=(("h", b"v"),)
    )


class _Waits:
    def __init__(self, allow: int = 1_000) -> None:
        self.delays: list[float] = []
        self._allow = allow

    async def __call__(self, delay_s: float, record: ConsumedRecord) -> bool:
        self.delays.append(delay_s)
        return len(self.delays) <= self._allow


class _Sink:
    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.letters: list[DeadLetter] = []
        self._failures = failures or []

    async def dead_letter(self, letter: DeadLetter) -> None:
        if self._failures:
            raise self._failures.pop(0)
        self.letters.append(letter)


class _Handler:
    def __init__(self, failures: list[Exception] | None = None, delay_s: float = 0) -> None:
        self.calls = 0
        self.seen: list[EventEnvelope[Any]] = []
        self._failures = failures or []
        self._delay_s = delay_s

    async def __call__(self, envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        self.calls += 1
        if self._delay_s:
            await asyncio.sleep(self._delay_s)
        if self._failures:
            raise self._failures.pop(0)
        self.seen.append(envelope)


def _processor(
    *,
    sink: _Sink | None = None,
    waits: _Waits | None = None,
    registry: CollectorRegistry | None = None,
    **option_overrides: Any,
) -> RecordProcessor:
    options = ConsumerOptions(
        retry_backoff=Backoff(0.01, 0.04),
        transient_backoff=Backoff(0.1, 0.3),
        **option_overrides,
    )
    return RecordProcessor(
        service=SERVICE,
        group_id="unit-group",
        options=options,
        metrics=consumer_metrics(registry or CollectorRegistry()),
        sink=sink,
        wait=waits or _Waits(),
    )


def _count(registry: CollectorRegistry, outcome: str) -> float:
    labels = {"service": SERVICE, "topic": TOPIC, "outcome": outcome}
    return registry.get_sample_value("huleedu_kafka_messages_total", labels) or 0.0


async def test_valid_record_reaches_the_handler_typed() -> None:
    registry = CollectorRegistry()
    handler = _Handler()
    done = await _processor(registry=registry).process(
        Route(TOPIC, handler, TOPIC), _record(_valid_value("b-42"))
    )
    assert done
    assert isinstance(handler.seen[0].data, EssayValidationFailed)
    assert handler.seen[0].data.batch_id == "b-42"
    assert _count(registry, "handled") == 1


async def test_invalid_envelope_is_dead_lettered_without_calling_the_handler() -> None:
    registry, sink, handler = CollectorRegistry(), _Sink(), _Handler()
    done = await _processor(sink=sink, registry=registry).process(
        Route(TOPIC, handler, TOPIC), _record(b"{not json", offset=3)
    )
    assert done
    assert handler.calls == 0
    [letter] = sink.letters
    assert letter.reason is DeadLetterReason.INVALID_ENVELOPE
    assert (letter.value, letter.source_offset, letter.key) == (b"{not json", 3, b"b-1")
    assert letter.error_type == "EnvelopeValidationError"
    assert letter.headers == [("h", b"v")]
    assert _count(registry, "failed") == 1
    assert _count(registry, "dead_lettered") == 1


async def test_invalid_envelope_without_sink_is_skipped() -> None:
    registry = CollectorRegistry()
    done = await _processor(registry=registry).process(
        Route(TOPIC, _Handler(), TOPIC), _record(b"[]")
    )
    assert done
    assert _count(registry, "skipped") == 1


async def test_permanent_error_retried_then_dead_lettered_with_attempts() -> None:
    registry, sink, waits = CollectorRegistry(), _Sink(), _Waits()
    handler = _Handler([ValueError("boom")] * 5)
    processor = _processor(sink=sink, waits=waits, registry=registry, max_attempts=3)
    assert await processor.process(Route(TOPIC, handler, TOPIC), _record(_valid_value()))
    assert handler.calls == 3
    assert waits.delays == pytest.approx([0.01, 0.02])
    [letter] = sink.letters
    assert letter.reason is DeadLetterReason.HANDLER_FAILED
    assert (letter.error_type, letter.error_message, letter.attempts) == ("ValueError", "boom", 3)
    assert _count(registry, "failed") == 3
    assert _count(registry, "retried") == 2
    assert _count(registry, "dead_lettered") == 1


async def test_transient_errors_are_retried_past_max_attempts_and_never_dead_lettered() -> None:
    registry, sink, waits = CollectorRegistry(), _Sink(), _Waits()
    handler = _Handler([TransientError("db down")] * 6)
    processor = _processor(sink=sink, waits=waits, registry=registry, max_attempts=2)
    assert await processor.process(Route(TOPIC, handler, TOPIC), _record(_valid_value()))
    assert handler.calls == 7
    assert waits.delays == pytest.approx([0.1, 0.2, 0.3, 0.3, 0.3, 0.3])
    assert sink.letters == []
    assert _count(registry, "handled") == 1


async def test_transient_retry_abandoned_when_wait_says_stop() -> None:
    sink, handler = _Sink(), _Handler([TransientError("down")] * 10)
    processor = _processor(sink=sink, waits=_Waits(allow=2))
    assert not await processor.process(Route(TOPIC, handler, TOPIC), _record(_valid_value()))
    assert handler.calls == 3
    assert sink.letters == []


async def test_handler_timeout_counts_as_transient() -> None:
    handler = _Handler(delay_s=0.05)
    waits = _Waits(allow=1)
    processor = _processor(waits=waits, handler_timeout_s=0.01)
    assert not await processor.process(Route(TOPIC, handler, TOPIC), _record(_valid_value()))
    assert handler.calls == 2
    assert waits.delays == pytest.approx([0.1, 0.2])


async def test_dead_letter_sink_failures_transient_retried_permanent_skipped() -> None:
    registry = CollectorRegistry()
    sink = _Sink([ConnectionResetError(), ConnectionResetError()])
    processor = _processor(sink=sink, registry=registry)
    assert await processor.process(Route(TOPIC, _Handler(), TOPIC), _record(b"bad"))
    assert len(sink.letters) == 1

    broken = _Sink([ValueError("too large")])
    processor = _processor(sink=broken, registry=registry)
    assert await processor.process(Route(TOPIC, _Handler(), TOPIC), _record(b"bad"))
    assert broken.letters == []
    assert _count(registry, "skipped") == 1


async def test_parse_as_maps_a_private_topic_to_an_event_model() -> None:
    handler = _Handler()
    private = ConsumedRecord(
        topic="private-t", partition=0, offset=0, key=None, value=_valid_value()
    )
    assert await _processor().process(Route("private-t", handler, TOPIC), private)
    assert handler.seen[0].event_type == TOPIC


def test_dead_letter_json_round_trip_keeps_raw_bytes() -> None:
    letter = DeadLetter.from_failure(
        _record(b"\xff\x00binary"),
        ValueError("bad"),
        reason=DeadLetterReason.INVALID_ENVELOPE,
        attempts=1,
        service=SERVICE,
        consumer_group="g",
    )
    parsed = DeadLetter.model_validate_json(letter.model_dump_json())
    assert parsed == letter
    assert parsed.value == b"\xff\x00binary"
    assert parsed.failed_at.tzinfo is not None
