"""The topic mapping against architecture.md's topic table (hard-coded here as the oracle)."""

from __future__ import annotations

import re

import pytest

from common_core import event_enums
from common_core.event_enums import (
    BOS_DEAD_LETTERED_EVENTS,
    PIPELINE_RESOLUTION_DLQ_TOPIC,
    ProcessingEvent,
    UnknownEventError,
    UnknownTopicError,
    all_topic_names,
    dlq_topic_name,
    event_for_topic,
    topic_name,
)
from common_core.event_registry import model_for_topic
from common_core.events import EventData

ARCHITECTURE_TOPICS = {
    "huleedu.batch.essays.registered.v1": "BatchEssaysRegistered",
    "huleedu.file.essay.content.ready.v1": "EssayContentReady",
    "huleedu.file.essay.validation.failed.v1": "EssayValidationFailed",
    "huleedu.els.excess.content.provisioned.v1": "ExcessContentProvisionedV1",
    "huleedu.els.batch.essays.ready.v1": "BatchEssaysReady",
    "huleedu.els.batch.readiness.timeout.v1": "BatchReadinessTimeout",
    "huleedu.commands.batch.pipeline.v1": "ClientBatchPipelineRequestV1",
    "huleedu.batch.pipeline.rejected.v1": "PipelineRequestRejectedV1",
    "huleedu.batch.pipeline.started.v1": "BatchPipelineStartedV1",
    "huleedu.batch.phase.started.v1": "BatchPhaseStartedV1",
    "huleedu.els.spellcheck.initiate.command.v1": "BatchServiceSpellcheckInitiateCommandDataV1",
    "huleedu.batch.cj_assessment.initiate.command.v1": (
        "BatchServiceCJAssessmentInitiateCommandDataV1"
    ),
    "huleedu.essay.spellcheck.requested.v1": "EssayLifecycleSpellcheckRequestV1",
    "huleedu.essay.spellcheck.completed.v1": "SpellcheckResultDataV1",
    "huleedu.els.cj_assessment.requested.v1": "ELSCJAssessmentRequestV1",
    "huleedu.cj_assessment.completed.v1": "CJAssessmentCompletedV1",
    "huleedu.cj_assessment.failed.v1": "CJAssessmentFailedV1",
    "huleedu.els.batch.phase.outcome.v1": "ELSBatchPhaseOutcomeV1",
    "huleedu.batch.pipeline.completed.v1": "BatchPipelineCompletedV1",
}

# Topics BOS consumes (architecture.md: "BOS -> ..." consumers column) get a .DLQ topic.
BOS_CONSUMED_TOPICS = [
    "huleedu.els.batch.essays.ready.v1",
    "huleedu.els.batch.readiness.timeout.v1",
    "huleedu.commands.batch.pipeline.v1",
    "huleedu.els.batch.phase.outcome.v1",
]
ARCHITECTURE_DLQ_TOPICS = [
    *(f"{topic}.DLQ" for topic in BOS_CONSUMED_TOPICS),
    "huleedu.pipelines.resolution.DLQ",
]


def test_every_architecture_topic_is_mapped_to_exactly_one_event() -> None:
    mapped = {topic_name(event) for event in ProcessingEvent}
    assert mapped == set(ARCHITECTURE_TOPICS)
    assert len(mapped) == len(ProcessingEvent)


@pytest.mark.parametrize("event", list(ProcessingEvent), ids=lambda e: e.name)
def test_every_event_has_a_versioned_huleedu_topic(event: ProcessingEvent) -> None:
    topic = topic_name(event)
    assert re.fullmatch(r"huleedu(\.[a-z_]+)+\.v\d+", topic)
    assert event_for_topic(topic) is event


def test_all_topic_names_is_every_event_topic_and_every_dlq_topic() -> None:
    names = all_topic_names()
    assert sorted(names) == sorted([*ARCHITECTURE_TOPICS, *ARCHITECTURE_DLQ_TOPICS])
    assert len(names) == len(set(names))


def test_bos_dead_letters_exactly_the_topics_it_consumes() -> None:
    assert [topic_name(e) for e in BOS_DEAD_LETTERED_EVENTS] == BOS_CONSUMED_TOPICS
    assert PIPELINE_RESOLUTION_DLQ_TOPIC == "huleedu.pipelines.resolution.DLQ"


def test_dlq_topic_name_appends_dlq_suffix() -> None:
    topic = "huleedu.els.batch.essays.ready.v1"
    assert dlq_topic_name(topic) == "huleedu.els.batch.essays.ready.v1.DLQ"


def test_topic_name_raises_naming_the_unmapped_event(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = ProcessingEvent.CJ_ASSESSMENT_FAILED
    partial = {e: t for e, t in event_enums._TOPICS.items() if e is not missing}
    monkeypatch.setattr(event_enums, "_TOPICS", partial)
    with pytest.raises(UnknownEventError, match="CJ_ASSESSMENT_FAILED"):
        topic_name(missing)


def test_unknown_event_error_is_a_value_error() -> None:
    assert issubclass(UnknownEventError, ValueError)
    assert issubclass(UnknownTopicError, ValueError)


def test_event_for_topic_rejects_unknown_and_dlq_topics() -> None:
    with pytest.raises(UnknownTopicError, match=r"huleedu\.nope\.v1"):
        event_for_topic("huleedu.nope.v1")
    with pytest.raises(UnknownTopicError):
        event_for_topic("huleedu.els.batch.essays.ready.v1.DLQ")


@pytest.mark.parametrize(("topic", "class_name"), sorted(ARCHITECTURE_TOPICS.items()))
def test_model_for_topic_is_the_architecture_class(topic: str, class_name: str) -> None:
    model = model_for_topic(topic)
    assert model.__name__ == class_name
    assert issubclass(model, EventData)
