"""Deserialising by topic: the registry, parse_envelope's rejections and build_envelope."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import pytest

from common_core.event_enums import ProcessingEvent, UnknownTopicError, topic_name
from common_core.event_registry import (
    EnvelopeErrorKind,
    EnvelopeValidationError,
    build_envelope,
    envelope_to_bytes,
    model_for_topic,
    parse_envelope,
)
from common_core.events import BatchPhaseStartedV1
from common_core.testing.examples import example_envelope, example_event

PHASE_STARTED = ProcessingEvent.BATCH_PHASE_STARTED
PHASE_TOPIC = topic_name(PHASE_STARTED)


def _wire(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(envelope_to_bytes(example_envelope(PHASE_STARTED)))
    payload.update(changes)
    return payload


def test_model_for_topic_rejects_unknown_topic() -> None:
    with pytest.raises(UnknownTopicError):
        model_for_topic("huleedu.unknown.v1")


def test_parse_envelope_accepts_str_and_bytes() -> None:
    raw = json.dumps(_wire())
    assert parse_envelope(PHASE_TOPIC, raw) == parse_envelope(PHASE_TOPIC, raw.encode())


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"{not json", EnvelopeErrorKind.INVALID_JSON),
        (b"\xff\xfe", EnvelopeErrorKind.INVALID_JSON),
        (b"[1, 2]", EnvelopeErrorKind.SCHEMA),
        (b"null", EnvelopeErrorKind.SCHEMA),
    ],
)
def test_parse_envelope_rejects_non_envelopes(raw: bytes, kind: EnvelopeErrorKind) -> None:
    with pytest.raises(EnvelopeValidationError) as caught:
        parse_envelope(PHASE_TOPIC, raw)
    assert caught.value.kind is kind
    assert caught.value.topic == PHASE_TOPIC


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"data": {"batch_id": "b1"}}, "data.pipeline_run_id"),
        ({"correlation_id": "not-a-uuid"}, "correlation_id"),
        ({"event_timestamp": "2025-03-14T09:26:53"}, "event_timestamp"),
        ({"source_service": ""}, "source_service"),
    ],
)
def test_parse_envelope_rejects_schema_failures(changes: dict[str, Any], location: str) -> None:
    raw = json.dumps(_wire(**changes))
    with pytest.raises(EnvelopeValidationError) as caught:
        parse_envelope(PHASE_TOPIC, raw)
    assert caught.value.kind is EnvelopeErrorKind.SCHEMA
    assert caught.value.reason.startswith(location)


def test_parse_envelope_rejects_negative_count_in_data() -> None:
    data = example_event(PHASE_STARTED).model_dump(mode="json") | {"essay_count": -1}
    with pytest.raises(EnvelopeValidationError, match=r"data\.essay_count"):
        parse_envelope(PHASE_TOPIC, json.dumps(_wire(data=data)))


def test_parse_envelope_rejects_event_type_of_another_topic() -> None:
    other = topic_name(ProcessingEvent.BATCH_PIPELINE_STARTED)
    with pytest.raises(EnvelopeValidationError) as caught:
        parse_envelope(PHASE_TOPIC, json.dumps(_wire(event_type=other)))
    assert caught.value.kind is EnvelopeErrorKind.EVENT_TYPE_MISMATCH
    assert other in caught.value.reason


def test_parse_envelope_rejects_unknown_topic() -> None:
    with pytest.raises(EnvelopeValidationError) as caught:
        parse_envelope("huleedu.unknown.v1", json.dumps(_wire()))
    assert caught.value.kind is EnvelopeErrorKind.UNKNOWN_TOPIC
    assert isinstance(caught.value, ValueError)


def test_parse_envelope_ignores_unknown_fields_for_compatible_evolution() -> None:
    data = example_event(PHASE_STARTED).model_dump(mode="json") | {"added_later": 1}
    envelope = parse_envelope(PHASE_TOPIC, json.dumps(_wire(data=data, trace="x")))
    assert envelope.data == example_event(PHASE_STARTED)


def test_build_envelope_sets_topic_and_keeps_given_ids() -> None:
    data = example_event(PHASE_STARTED)
    correlation_id, event_id = uuid4(), uuid4()
    envelope = build_envelope(
        PHASE_STARTED,
        data,
        source_service="batch_orchestrator_service",
        correlation_id=correlation_id,
        event_id=event_id,
        metadata={"trace_id": "abc"},
    )
    assert envelope.event_type == PHASE_TOPIC
    assert envelope.event_id == event_id
    assert envelope.correlation_id == correlation_id
    assert envelope.metadata == {"trace_id": "abc"}
    assert envelope.data is data
    assert envelope.event_timestamp.utcoffset() is not None


def test_build_envelope_generates_distinct_event_ids() -> None:
    data = example_event(PHASE_STARTED)
    ids = {
        build_envelope(PHASE_STARTED, data, source_service="bos", correlation_id=uuid4()).event_id
        for _ in range(3)
    }
    assert len(ids) == 3


def test_build_envelope_rejects_payload_of_another_event() -> None:
    data = example_event(ProcessingEvent.CJ_ASSESSMENT_FAILED)
    with pytest.raises(TypeError, match=BatchPhaseStartedV1.__name__):
        build_envelope(PHASE_STARTED, data, source_service="bos", correlation_id=uuid4())
