"""Helpers of the phase tests: a ready batch, and the envelopes BOS, the spell checker and the
CJ service send."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import event_for_topic
from common_core.events import (
    BatchPipelineCompletedV1,
    BatchServiceCJAssessmentInitiateCommandDataV1,
    BatchServiceSpellcheckInitiateCommandDataV1,
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    CJRanking,
    EssayTextRef,
    SpellcheckResultDataV1,
    SpellingCorrection,
)
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id
from common_core.status_enums import Language, OutcomeStatus, PipelineExecutionStatus
from huleedu_service_libs.kafka import ConsumedRecord
from huleedu_service_libs.outbox import OutboxWriter
from scripts.launcher.infra import InfraUrls
from services.essay_lifecycle_service.config import SERVICE_NAME
from services.essay_lifecycle_service.event_factory import EventFactory
from services.essay_lifecycle_service.implementations.intake_repository import IntakeRepository
from services.essay_lifecycle_service.implementations.phase_repository import PhaseRepository
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import incoming_content
from services.essay_lifecycle_service.phase_consumer import PhaseEventHandlers
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.phases.registry import default_phase_registry
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    TopicWatcher,
    content,
    make_envelope,
    new_ids,
    publish,
    registered,
)
from services.essay_lifecycle_service.transitions import EssayTransitions

REGISTRY = default_phase_registry()


@dataclass(frozen=True)
class ReadyBatch:
    batch_id: str
    essays: tuple[EssayTextRef, ...]

    @property
    def essay_ids(self) -> list[str]:
        return [essay.essay_id for essay in self.essays]


async def ready_batch(intake: IntakeService, size: int) -> ReadyBatch:
    """A registered batch whose `size` essays all have content (ready_for_processing)."""
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", size)
    reg = registered(batch_id, essay_ids)
    await intake.register_batch(reg.data, reg.event_id, reg.correlation_id)
    texts = []
    for _ in essay_ids:
        env = content(batch_id)
        await intake.accept_file(incoming_content(env.data), env.event_id, env.correlation_id)
        texts.append(env.data.text_storage_id)
    essays = tuple(
        EssayTextRef(essay_id=eid, text_storage_id=tid)
        for eid, tid in zip(essay_ids, texts, strict=True)
    )
    return ReadyBatch(batch_id, essays)


def new_run_id() -> str:
    return f"run-{uuid.uuid4().hex[:10]}"


def spellcheck_command(
    batch: ReadyBatch, run_id: str, essays: Sequence[EssayTextRef] | None = None
) -> EventEnvelope[Any]:
    data = BatchServiceSpellcheckInitiateCommandDataV1(
        batch_id=batch.batch_id,
        pipeline_run_id=run_id,
        language=Language.ENGLISH,
        essays=list(essays if essays is not None else batch.essays),
    )
    return _bos(E.BATCH_SPELLCHECK_INITIATE_COMMAND, data, batch.batch_id, run_id)


def cj_command(batch_id: str, run_id: str, essays: Sequence[EssayTextRef]) -> EventEnvelope[Any]:
    data = BatchServiceCJAssessmentInitiateCommandDataV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        language=Language.ENGLISH,
        essay_instructions="Argue for or against school uniforms in about 300 words.",
        essays=list(essays),
    )
    return _bos(E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND, data, batch_id, run_id)


def pipeline_completed(batch_id: str, run_id: str) -> EventEnvelope[Any]:
    data = BatchPipelineCompletedV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        final_status=PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        successful_essay_count=1,
        failed_essay_count=0,
    )
    return _bos(E.BATCH_PIPELINE_COMPLETED, data, batch_id, run_id)


def _bos(event: E, data: Any, batch_id: str, run_id: str) -> EventEnvelope[Any]:
    event_id = deterministic_event_id(event, batch_id=batch_id, pipeline_run_id=run_id)
    return make_envelope(event, data, "batch_orchestrator_service", event_id)


def corrected_id(essay_id: str) -> str:
    return f"txt-corrected-{essay_id}"


def spellcheck_result(
    batch_id: str, run_id: str, essay_id: str, *, ok: bool = True, corrections: int = 2
) -> EventEnvelope[Any]:
    fixes = [
        SpellingCorrection(original="teh", corrected="the", offset=10 * i)
        for i in range(corrections if ok else 0)
    ]
    data = SpellcheckResultDataV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        essay_id=essay_id,
        status=OutcomeStatus.SUCCESS if ok else OutcomeStatus.FAILED,
        corrected_text_storage_id=corrected_id(essay_id) if ok else None,
        corrections=fixes,
        correction_count=len(fixes),
        word_count=100 if ok else None,
        language=Language.ENGLISH,
        error=None if ok else "content_not_found",
    )
    event_id = deterministic_event_id(
        E.SPELLCHECK_RESULT, batch_id=batch_id, pipeline_run_id=run_id, essay_id=essay_id
    )
    return make_envelope(E.SPELLCHECK_RESULT, data, "spellchecker_service", event_id)


def cj_completed(
    batch_id: str, run_id: str, ranked: Sequence[tuple[str, int, float]]
) -> EventEnvelope[Any]:
    data = CJAssessmentCompletedV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        rankings=[CJRanking(essay_id=e, rank=r, score=s) for e, r, s in ranked],
        comparison_count=12,
        judge="heuristic",
    )
    return make_envelope(E.CJ_ASSESSMENT_COMPLETED, data, "cj_assessment_service")


def cj_failed(batch_id: str, run_id: str) -> EventEnvelope[Any]:
    data = CJAssessmentFailedV1(
        batch_id=batch_id, pipeline_run_id=run_id, reason="too_few_essays", message="Need 2."
    )
    return make_envelope(E.CJ_ASSESSMENT_FAILED, data, "cj_assessment_service")


def phase_service(
    sessions: async_sessionmaker[AsyncSession], *, timeout_s: float = 600.0
) -> PhaseService:
    """The phase machinery on the real database; its events stay in the outbox (no relay)."""
    return PhaseService(
        sessions,
        PhaseRepository(),
        EssayTransitions(IntakeRepository()),
        OutboxWriter(SERVICE_NAME),
        EventFactory(SERVICE_NAME),
        REGISTRY,
        phase_timeout_s=timeout_s,
    )


async def deliver(phases: PhaseService, envelope: EventEnvelope[Any]) -> None:
    """Hand an envelope to the phase machinery through the worker's own handlers."""
    event = event_for_topic(envelope.event_type)
    record = ConsumedRecord(topic=envelope.event_type, partition=0, offset=0, key=None, value=b"")
    await PhaseEventHandlers(phases, REGISTRY).routes()[event](envelope, record)


# -- over Kafka ---------------------------------------------------------------------------

PHASE_OUTPUTS = (
    E.BATCH_ESSAYS_READY,
    E.ESSAY_SPELLCHECK_REQUESTED,
    E.ELS_CJ_ASSESSMENT_REQUESTED,
    E.ELS_BATCH_PHASE_OUTCOME,
)


async def ready_over_kafka(infra: InfraUrls, watcher: TopicWatcher, size: int) -> ReadyBatch:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", size)
    contents = [content(batch_id) for _ in essay_ids]
    await publish(infra.kafka_bootstrap, [registered(batch_id, essay_ids), *contents])
    await watcher.wait_for(lambda: bool(watcher.of(E.BATCH_ESSAYS_READY, batch_id)))
    [ready] = watcher.of(E.BATCH_ESSAYS_READY, batch_id)
    essays = tuple(
        EssayTextRef(essay_id=e.essay_id, text_storage_id=e.text_storage_id)
        for e in ready.data.essays
    )
    return ReadyBatch(batch_id, essays)


async def start_spellcheck(
    infra: InfraUrls, watcher: TopicWatcher, batch: ReadyBatch, run_id: str
) -> None:
    """Send the command and wait for its requests (results cannot come before them)."""
    await publish(infra.kafka_bootstrap, [spellcheck_command(batch, run_id)])
    size = len(batch.essays)
    await watcher.wait_for(
        lambda: len(watcher.of(E.ESSAY_SPELLCHECK_REQUESTED, batch.batch_id)) >= size
    )


def outcomes(watcher: TopicWatcher, batch_id: str, phase: str) -> list[EventEnvelope[Any]]:
    return [
        o
        for o in watcher.of(E.ELS_BATCH_PHASE_OUTCOME, batch_id)
        if o.data.phase_name.value == phase
    ]
