"""One registry from topic to payload model, used by every producer and consumer."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar, cast
from uuid import UUID

from pydantic import ValidationError

from common_core import events as ev
from common_core.event_enums import (
    ProcessingEvent,
    UnknownTopicError,
    event_for_topic,
    topic_name,
)
from common_core.events.base import EventData
from common_core.events.envelope import EventEnvelope

T_Data = TypeVar("T_Data", bound=EventData)

_E = ProcessingEvent

EVENT_MODELS: Mapping[ProcessingEvent, type[EventData]] = MappingProxyType(
    {
        _E.BATCH_ESSAYS_REGISTERED: ev.BatchEssaysRegistered,
        _E.ESSAY_CONTENT_READY: ev.EssayContentReady,
        _E.ESSAY_VALIDATION_FAILED: ev.EssayValidationFailed,
        _E.EXCESS_CONTENT_PROVISIONED: ev.ExcessContentProvisionedV1,
        _E.BATCH_ESSAYS_READY: ev.BatchEssaysReady,
        _E.BATCH_READINESS_TIMEOUT: ev.BatchReadinessTimeout,
        _E.CLIENT_BATCH_PIPELINE_REQUEST: ev.ClientBatchPipelineRequestV1,
        _E.PIPELINE_REQUEST_REJECTED: ev.PipelineRequestRejectedV1,
        _E.BATCH_PIPELINE_STARTED: ev.BatchPipelineStartedV1,
        _E.BATCH_PHASE_STARTED: ev.BatchPhaseStartedV1,
        _E.BATCH_SPELLCHECK_INITIATE_COMMAND: ev.BatchServiceSpellcheckInitiateCommandDataV1,
        _E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND: ev.BatchServiceCJAssessmentInitiateCommandDataV1,
        _E.ESSAY_SPELLCHECK_REQUESTED: ev.EssayLifecycleSpellcheckRequestV1,
        _E.SPELLCHECK_RESULT: ev.SpellcheckResultDataV1,
        _E.ELS_CJ_ASSESSMENT_REQUESTED: ev.ELSCJAssessmentRequestV1,
        _E.CJ_ASSESSMENT_COMPLETED: ev.CJAssessmentCompletedV1,
        _E.CJ_ASSESSMENT_FAILED: ev.CJAssessmentFailedV1,
        _E.ELS_BATCH_PHASE_OUTCOME: ev.ELSBatchPhaseOutcomeV1,
        _E.BATCH_PIPELINE_COMPLETED: ev.BatchPipelineCompletedV1,
    }
)
"""The payload model of every event."""


class EnvelopeErrorKind(StrEnum):
    """Why a message could not be turned into a typed envelope."""

    UNKNOWN_TOPIC = "unknown_topic"
    INVALID_JSON = "invalid_json"
    SCHEMA = "schema"
    EVENT_TYPE_MISMATCH = "event_type_mismatch"


class EnvelopeValidationError(ValueError):
    """A consumed message is not a valid envelope for its topic (never worth retrying)."""

    def __init__(self, kind: EnvelopeErrorKind, reason: str, *, topic: str) -> None:
        super().__init__(f"{kind.value} on topic {topic!r}: {reason}")
        self.kind = kind
        self.reason = reason
        self.topic = topic


def model_for_event(event: ProcessingEvent) -> type[EventData]:
    """The payload model of `event`."""
    return EVENT_MODELS[event]


def model_for_topic(topic: str) -> type[EventData]:
    """The payload model of the events on `topic`; raises `UnknownTopicError` if unknown."""
    return EVENT_MODELS[event_for_topic(topic)]


@cache
def envelope_model(event: ProcessingEvent) -> type[EventEnvelope[Any]]:
    """`EventEnvelope` parametrised with the payload model of `event` (cached)."""
    model = EventEnvelope[model_for_event(event)]  # type: ignore[misc, valid-type]
    return cast("type[EventEnvelope[Any]]", model)


def parse_envelope(topic: str, raw: bytes | str) -> EventEnvelope[Any]:
    """Parse a message consumed from `topic` into an envelope whose `data` is typed.

    Raises `EnvelopeValidationError` for an unknown topic, bad JSON, a schema failure or an
    `event_type` that differs from the topic.
    """
    try:
        event = event_for_topic(topic)
    except UnknownTopicError as exc:
        raise EnvelopeValidationError(
            EnvelopeErrorKind.UNKNOWN_TOPIC, str(exc), topic=topic
        ) from None
    try:
        envelope = envelope_model(event).model_validate_json(raw)
    except ValidationError as exc:
        raise EnvelopeValidationError(_kind_of(exc), _summarise(exc), topic=topic) from exc
    if envelope.event_type != topic:
        raise EnvelopeValidationError(
            EnvelopeErrorKind.EVENT_TYPE_MISMATCH,
            f"event_type {envelope.event_type!r} does not match the topic",
            topic=topic,
        )
    return envelope


def build_envelope(
    event: ProcessingEvent,
    data: T_Data,
    *,
    source_service: str,
    correlation_id: UUID,
    event_id: UUID | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> EventEnvelope[T_Data]:
    """Wrap `data` in an envelope for `event`; raises `TypeError` for the wrong payload model."""
    expected = model_for_event(event)
    if not isinstance(data, expected):
        raise TypeError(f"{event.name} carries {expected.__name__}, not {type(data).__name__}")
    fields: dict[str, Any] = {
        "event_type": topic_name(event),
        "source_service": source_service,
        "correlation_id": correlation_id,
        "data": data,
        "metadata": dict(metadata or {}),
    }
    if event_id is not None:
        fields["event_id"] = event_id
    envelope: EventEnvelope[T_Data] = envelope_model(event)(**fields)
    return envelope


def envelope_to_bytes(envelope: EventEnvelope[Any]) -> bytes:
    """The canonical wire form of an envelope (UTF-8 JSON)."""
    return envelope.model_dump_json().encode()


def _kind_of(exc: ValidationError) -> EnvelopeErrorKind:
    if any(error["type"] == "json_invalid" for error in exc.errors()):
        return EnvelopeErrorKind.INVALID_JSON
    return EnvelopeErrorKind.SCHEMA


def _summarise(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    location = ".".join(str(part) for part in first["loc"]) or "<root>"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{location}: {first['msg']}{more}"
