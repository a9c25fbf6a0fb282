"""Processing events and their Kafka topics (`huleedu.<domain>.<event>.v1`).

Always obtain a topic through `topic_name(ProcessingEvent.X)`: the mapping below is the single
source of truth for topic names, and the topic bootstrap creates `all_topic_names()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class ProcessingEvent(StrEnum):
    """Every event and command exchanged on the bus (one per topic)."""

    BATCH_ESSAYS_REGISTERED = "batch_essays_registered"
    ESSAY_CONTENT_READY = "essay_content_ready"
    ESSAY_VALIDATION_FAILED = "essay_validation_failed"
    EXCESS_CONTENT_PROVISIONED = "excess_content_provisioned"
    BATCH_ESSAYS_READY = "batch_essays_ready"
    BATCH_READINESS_TIMEOUT = "batch_readiness_timeout"
    CLIENT_BATCH_PIPELINE_REQUEST = "client_batch_pipeline_request"
    PIPELINE_REQUEST_REJECTED = "pipeline_request_rejected"
    BATCH_PIPELINE_STARTED = "batch_pipeline_started"
    BATCH_PHASE_STARTED = "batch_phase_started"
    BATCH_SPELLCHECK_INITIATE_COMMAND = "batch_spellcheck_initiate_command"
    BATCH_CJ_ASSESSMENT_INITIATE_COMMAND = "batch_cj_assessment_initiate_command"
    ESSAY_SPELLCHECK_REQUESTED = "essay_spellcheck_requested"
    SPELLCHECK_RESULT = "spellcheck_result"
    ELS_CJ_ASSESSMENT_REQUESTED = "els_cj_assessment_requested"
    CJ_ASSESSMENT_COMPLETED = "cj_assessment_completed"
    CJ_ASSESSMENT_FAILED = "cj_assessment_failed"
    ELS_BATCH_PHASE_OUTCOME = "els_batch_phase_outcome"
    BATCH_PIPELINE_COMPLETED = "batch_pipeline_completed"


_E = ProcessingEvent

_TOPICS: Mapping[ProcessingEvent, str] = MappingProxyType(
    {
        _E.BATCH_ESSAYS_REGISTERED: "huleedu.batch.essays.registered.v1",
        _E.ESSAY_CONTENT_READY: "huleedu.file.essay.content.ready.v1",
        _E.ESSAY_VALIDATION_FAILED: "huleedu.file.essay.validation.failed.v1",
        _E.EXCESS_CONTENT_PROVISIONED: "huleedu.els.excess.content.provisioned.v1",
        _E.BATCH_ESSAYS_READY: "huleedu.els.batch.essays.ready.v1",
        _E.BATCH_READINESS_TIMEOUT: "huleedu.els.batch.readiness.timeout.v1",
        _E.CLIENT_BATCH_PIPELINE_REQUEST: "huleedu.commands.batch.pipeline.v1",
        _E.PIPELINE_REQUEST_REJECTED: "huleedu.batch.pipeline.rejected.v1",
        _E.BATCH_PIPELINE_STARTED: "huleedu.batch.pipeline.started.v1",
        _E.BATCH_PHASE_STARTED: "huleedu.batch.phase.started.v1",
        _E.BATCH_SPELLCHECK_INITIATE_COMMAND: "huleedu.els.spellcheck.initiate.command.v1",
        _E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND: (
            "huleedu.batch.cj_assessment.initiate.command.v1"
        ),
        _E.ESSAY_SPELLCHECK_REQUESTED: "huleedu.essay.spellcheck.requested.v1",
        _E.SPELLCHECK_RESULT: "huleedu.essay.spellcheck.completed.v1",
        _E.ELS_CJ_ASSESSMENT_REQUESTED: "huleedu.els.cj_assessment.requested.v1",
        _E.CJ_ASSESSMENT_COMPLETED: "huleedu.cj_assessment.completed.v1",
        _E.CJ_ASSESSMENT_FAILED: "huleedu.cj_assessment.failed.v1",
        _E.ELS_BATCH_PHASE_OUTCOME: "huleedu.els.batch.phase.outcome.v1",
        _E.BATCH_PIPELINE_COMPLETED: "huleedu.batch.pipeline.completed.v1",
    }
)

_EVENTS_BY_TOPIC: Mapping[str, ProcessingEvent] = MappingProxyType(
    {topic: event for event, topic in _TOPICS.items()}
)

DLQ_SUFFIX = ".DLQ"
PIPELINE_RESOLUTION_DLQ_TOPIC = "huleedu.pipelines.resolution.DLQ"

BOS_DEAD_LETTERED_EVENTS: tuple[ProcessingEvent, ...] = (
    _E.BATCH_ESSAYS_READY,
    _E.BATCH_READINESS_TIMEOUT,
    _E.CLIENT_BATCH_PIPELINE_REQUEST,
    _E.ELS_BATCH_PHASE_OUTCOME,
)
"""The events BOS consumes; each of their topics has a `<topic>.DLQ` dead-letter topic."""


class UnknownEventError(ValueError):
    """Raised when an event has no topic mapping."""


class UnknownTopicError(ValueError):
    """Raised when a topic name belongs to no known event."""


def topic_name(event: ProcessingEvent) -> str:
    """The Kafka topic of `event`; raises `UnknownEventError` when it has no mapping."""
    try:
        return _TOPICS[event]
    except KeyError:
        raise UnknownEventError(
            f"ProcessingEvent {event!r} has no topic mapping; add it to "
            "common_core.event_enums._TOPICS"
        ) from None


def event_for_topic(topic: str) -> ProcessingEvent:
    """The event carried by `topic`; raises `UnknownTopicError` for an unknown topic."""
    try:
        return _EVENTS_BY_TOPIC[topic]
    except KeyError:
        raise UnknownTopicError(f"unknown topic {topic!r}: no ProcessingEvent maps to it") from None


def dlq_topic_name(topic: str) -> str:
    """The dead-letter topic of `topic`."""
    return f"{topic}{DLQ_SUFFIX}"


def event_topic_names() -> list[str]:
    """Every event topic, in declaration order of `ProcessingEvent`."""
    return [topic_name(event) for event in ProcessingEvent]


def dlq_topic_names() -> list[str]:
    """Every dead-letter topic: one per BOS-consumed topic plus the pipeline resolution DLQ."""
    bos_dlqs = [dlq_topic_name(topic_name(event)) for event in BOS_DEAD_LETTERED_EVENTS]
    return [*bos_dlqs, PIPELINE_RESOLUTION_DLQ_TOPIC]


def all_topic_names() -> list[str]:
    """Every topic the bootstrap must create: event topics, then dead-letter topics."""
    return [*event_topic_names(), *dlq_topic_names()]
