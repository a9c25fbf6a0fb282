"""The envelopes ELS emits, with deterministic event ids where the event has an identity."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events import (
    BatchEssaysReady,
    BatchReadinessTimeout,
    ELSBatchPhaseOutcomeV1,
    EssayTextRef,
    ExcessContentProvisionedV1,
    FailedFile,
    ReadyEssay,
)
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id
from services.essay_lifecycle_service.domain.phase_runs import PhaseOutcomeSummary, RunKey
from services.essay_lifecycle_service.domain.readiness import (
    FilledSlot,
    ReadinessOutcome,
    TimeoutSummary,
)
from services.essay_lifecycle_service.domain.slots import IncomingFile
from services.essay_lifecycle_service.phases.base import OutgoingEvent

_E = ProcessingEvent


def ready_event_id(batch_id: str) -> UUID:
    """One BatchEssaysReady per batch, whoever emits it and however often it is retried."""
    return deterministic_event_id(_E.BATCH_ESSAYS_READY, batch_id=batch_id)


def timeout_event_id(batch_id: str) -> UUID:
    return deterministic_event_id(_E.BATCH_READINESS_TIMEOUT, batch_id=batch_id)


def excess_event_id(batch_id: str, file_upload_id: str) -> UUID:
    return deterministic_event_id(
        _E.EXCESS_CONTENT_PROVISIONED, batch_id=batch_id, essay_id=file_upload_id
    )


def phase_outcome_event_id(key: RunKey) -> UUID:
    """One outcome per phase of a pipeline run (the phase takes the id's essay slot)."""
    return deterministic_event_id(
        _E.ELS_BATCH_PHASE_OUTCOME,
        batch_id=key.batch_id,
        pipeline_run_id=key.pipeline_run_id,
        essay_id=f"phase:{key.phase.value}",
    )


class EventFactory:
    """Builds the outgoing envelopes of one service (its name is the source_service)."""

    def __init__(self, source_service: str) -> None:
        self._source = source_service

    def batch_essays_ready(
        self, batch_id: str, outcome: ReadinessOutcome, correlation_id: UUID
    ) -> EventEnvelope[Any]:
        data = BatchEssaysReady(
            batch_id=batch_id,
            essays=[_ready_essay(filled) for filled in outcome.usable],
            failed_files=[_failed_file(filled) for filled in outcome.failed],
        )
        return self._build(_E.BATCH_ESSAYS_READY, data, correlation_id, ready_event_id(batch_id))

    def readiness_timeout(
        self, batch_id: str, summary: TimeoutSummary, correlation_id: UUID
    ) -> EventEnvelope[Any]:
        data = BatchReadinessTimeout(
            batch_id=batch_id,
            missing_essay_ids=list(summary.missing_essay_ids),
            ready_essay_count=summary.ready_essay_count,
        )
        event_id = timeout_event_id(batch_id)
        return self._build(_E.BATCH_READINESS_TIMEOUT, data, correlation_id, event_id)

    def excess_content(self, incoming: IncomingFile, correlation_id: UUID) -> EventEnvelope[Any]:
        if incoming.text_storage_id is None:
            raise ValueError("only usable content is announced as excess")
        data = ExcessContentProvisionedV1(
            batch_id=incoming.batch_id,
            file_upload_id=incoming.file_upload_id,
            original_file_name=incoming.original_file_name,
            text_storage_id=incoming.text_storage_id,
        )
        event_id = excess_event_id(incoming.batch_id, incoming.file_upload_id)
        return self._build(_E.EXCESS_CONTENT_PROVISIONED, data, correlation_id, event_id)

    def phase_outcome(
        self, key: RunKey, summary: PhaseOutcomeSummary, correlation_id: UUID
    ) -> EventEnvelope[Any]:
        data = ELSBatchPhaseOutcomeV1(
            batch_id=key.batch_id,
            pipeline_run_id=key.pipeline_run_id,
            phase_name=key.phase,
            phase_status=summary.status,
            processed_essays=[
                EssayTextRef(essay_id=essay_id, text_storage_id=text_storage_id)
                for essay_id, text_storage_id in summary.processed
            ],
            failed_essay_ids=list(summary.failed_essay_ids),
        )
        event_id = phase_outcome_event_id(key)
        return self._build(_E.ELS_BATCH_PHASE_OUTCOME, data, correlation_id, event_id)

    def outgoing(self, event: OutgoingEvent, correlation_id: UUID) -> EventEnvelope[Any]:
        """The envelope of a request a phase sends."""
        return self._build(event.event, event.data, correlation_id, event.event_id)

    def _build(
        self, event: ProcessingEvent, data: Any, correlation_id: UUID, event_id: UUID
    ) -> EventEnvelope[Any]:
        return build_envelope(
            event,
            data,
            source_service=self._source,
            correlation_id=correlation_id,
            event_id=event_id,
        )


def _ready_essay(filled: FilledSlot) -> ReadyEssay:
    file = filled.file
    if file.text_storage_id is None:
        raise ValueError(f"usable file {file.file_upload_id} has no text_storage_id")
    return ReadyEssay(
        essay_id=filled.essay_id,
        file_upload_id=file.file_upload_id,
        original_file_name=file.original_file_name,
        text_storage_id=file.text_storage_id,
        student_name=file.student_name,
        student_email=file.student_email,
    )


def _failed_file(filled: FilledSlot) -> FailedFile:
    return FailedFile(
        file_upload_id=filled.file.file_upload_id,
        original_file_name=filled.file.original_file_name,
        reason_code=filled.file.reason_code or "unknown",
    )
