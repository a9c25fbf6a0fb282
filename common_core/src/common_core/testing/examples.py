"""One realistic, valid example payload per event, reusable by every service's tests.

`example_event(ProcessingEvent.X, batch_id="...")` returns the payload model with any field
overridden (overrides are validated), and `example_envelope` wraps it in an envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

from common_core import events as ev
from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope, model_for_event
from common_core.events.base import EssayTextRef, EventData
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id
from common_core.status_enums import (
    Language,
    OutcomeStatus,
    PhaseName,
    PipelineExecutionStatus,
    PipelineRejectionReason,
)

BATCH_ID = "batch-7f3a9c2e"
USER_ID = "user-teacher-42"
PIPELINE_RUN_ID = "run-5d1e8b60"
ESSAY_IDS = ("essay-0001", "essay-0002", "essay-0003")
EXAMPLE_CORRELATION_ID = UUID("3c1f6a0e-8d7b-4f2a-9e55-0b6d2c4a7e91")
EXAMPLE_TIME = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)

_DONE = PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
_PARTIAL = PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS


def _text_refs() -> list[EssayTextRef]:
    return [EssayTextRef(essay_id=eid, text_storage_id=f"txt-{eid}") for eid in ESSAY_IDS]


def _registered() -> EventData:
    return ev.BatchEssaysRegistered(
        batch_id=BATCH_ID,
        user_id=USER_ID,
        expected_essay_count=len(ESSAY_IDS),
        essay_ids=list(ESSAY_IDS),
        readiness_deadline=EXAMPLE_TIME.replace(hour=11),
    )


def _content_ready() -> EventData:
    return ev.EssayContentReady(
        batch_id=BATCH_ID,
        file_upload_id="upload-a1",
        original_file_name="anna_svensson_essay.docx",
        text_storage_id="txt-3b9f",
        student_name="Anna Svensson",
        student_email="anna.svensson@example.org",
        name_confidence=0.92,
    )


def _validation_failed() -> EventData:
    return ev.EssayValidationFailed(
        batch_id=BATCH_ID,
        file_upload_id="upload-b2",
        original_file_name="scan.png",
        reason_code="unsupported_file_type",
        message="Only .txt, .docx and .pdf files can be read.",
    )


def _excess_content() -> EventData:
    return ev.ExcessContentProvisionedV1(
        batch_id=BATCH_ID,
        file_upload_id="upload-c3",
        original_file_name="extra_essay.txt",
        text_storage_id="txt-77aa",
    )


def _essays_ready() -> EventData:
    essays = [
        ev.ReadyEssay(
            essay_id=eid,
            file_upload_id=f"upload-{n}",
            original_file_name=f"essay_{n}.docx",
            text_storage_id=f"txt-{eid}",
            student_name=f"Student {n}",
            student_email=None,
        )
        for n, eid in enumerate(ESSAY_IDS, start=1)
    ]
    failed = [
        ev.FailedFile(
            file_upload_id="upload-b2",
            original_file_name="scan.png",
            reason_code="unsupported_file_type",
        )
    ]
    return ev.BatchEssaysReady(batch_id=BATCH_ID, essays=essays, failed_files=failed)


def _readiness_timeout() -> EventData:
    return ev.BatchReadinessTimeout(
        batch_id=BATCH_ID, missing_essay_ids=[ESSAY_IDS[-1]], ready_essay_count=2
    )


def _pipeline_request() -> EventData:
    return ev.ClientBatchPipelineRequestV1(
        batch_id=BATCH_ID,
        requested_pipeline="cj_assessment",
        client_correlation_id=str(EXAMPLE_CORRELATION_ID),
        user_id=USER_ID,
    )


def _pipeline_rejected() -> EventData:
    return ev.PipelineRequestRejectedV1(
        batch_id=BATCH_ID,
        user_id=USER_ID,
        requested_pipeline="ai_feedback",
        reason_code=PipelineRejectionReason.UNKNOWN_PIPELINE,
        message="Pipeline 'ai_feedback' does not exist; known: spellcheck, cj_assessment.",
    )


def _pipeline_started() -> EventData:
    return ev.BatchPipelineStartedV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        requested_pipeline="cj_assessment",
        phases=[PhaseName.SPELLCHECK, PhaseName.CJ_ASSESSMENT],
        pruned_phases=[],
    )


def _phase_started() -> EventData:
    return ev.BatchPhaseStartedV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        phase=PhaseName.SPELLCHECK,
        essay_count=len(ESSAY_IDS),
    )


def _spellcheck_command() -> EventData:
    return ev.BatchServiceSpellcheckInitiateCommandDataV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        language=Language.SWEDISH,
        essays=_text_refs(),
    )


def _cj_command() -> EventData:
    return ev.BatchServiceCJAssessmentInitiateCommandDataV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        language=Language.ENGLISH,
        essay_instructions="Argue for or against school uniforms in about 500 words.",
        essays=_text_refs(),
    )


def _spellcheck_request() -> EventData:
    return ev.EssayLifecycleSpellcheckRequestV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        essay_id=ESSAY_IDS[0],
        text_storage_id=f"txt-{ESSAY_IDS[0]}",
        language=Language.ENGLISH,
    )


def _spellcheck_result() -> EventData:
    corrections = [
        ev.SpellingCorrection(original="recieve", corrected="receive", offset=112),
        ev.SpellingCorrection(original="definately", corrected="definitely", offset=348),
    ]
    return ev.SpellcheckResultDataV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        essay_id=ESSAY_IDS[0],
        status=OutcomeStatus.SUCCESS,
        corrected_text_storage_id="txt-corrected-91c2",
        corrections=corrections,
        correction_count=len(corrections),
        word_count=312,
        language=Language.ENGLISH,
    )


def _cj_request() -> EventData:
    essays = [
        ev.CJEssayInput(essay_id=eid, text_storage_id=f"txt-c-{eid}", spelling_error_rate=rate)
        for eid, rate in zip(ESSAY_IDS, (0.012, 0.034, 0.0), strict=True)
    ]
    return ev.ELSCJAssessmentRequestV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        language=Language.ENGLISH,
        essay_instructions="Argue for or against school uniforms in about 500 words.",
        essays=essays,
    )


def _cj_completed() -> EventData:
    rankings = [
        ev.CJRanking(essay_id=ESSAY_IDS[1], rank=1, score=1.284),
        ev.CJRanking(essay_id=ESSAY_IDS[0], rank=2, score=0.131),
        ev.CJRanking(essay_id=ESSAY_IDS[2], rank=3, score=-1.415),
    ]
    return ev.CJAssessmentCompletedV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        rankings=rankings,
        comparison_count=9,
        judge="heuristic-v1",
    )


def _cj_failed() -> EventData:
    return ev.CJAssessmentFailedV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        reason="too_few_essays",
        message="Comparative judgement needs at least two essays.",
    )


def _phase_outcome() -> EventData:
    return ev.ELSBatchPhaseOutcomeV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        phase_name=PhaseName.SPELLCHECK,
        phase_status=_PARTIAL,
        processed_essays=_text_refs()[:2],
        failed_essay_ids=[ESSAY_IDS[2]],
    )


def _pipeline_completed() -> EventData:
    results = [
        ev.PhaseResult(phase=PhaseName.SPELLCHECK, status=_PARTIAL, successful=2, failed=1),
        ev.PhaseResult(phase=PhaseName.CJ_ASSESSMENT, status=_DONE, successful=2, failed=0),
    ]
    return ev.BatchPipelineCompletedV1(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        final_status=_PARTIAL,
        phase_results=results,
        successful_essay_count=2,
        failed_essay_count=1,
    )


_E = ProcessingEvent

_BUILDERS: Mapping[ProcessingEvent, Callable[[], EventData]] = MappingProxyType(
    {
        _E.BATCH_ESSAYS_REGISTERED: _registered,
        _E.ESSAY_CONTENT_READY: _content_ready,
        _E.ESSAY_VALIDATION_FAILED: _validation_failed,
        _E.EXCESS_CONTENT_PROVISIONED: _excess_content,
        _E.BATCH_ESSAYS_READY: _essays_ready,
        _E.BATCH_READINESS_TIMEOUT: _readiness_timeout,
        _E.CLIENT_BATCH_PIPELINE_REQUEST: _pipeline_request,
        _E.PIPELINE_REQUEST_REJECTED: _pipeline_rejected,
        _E.BATCH_PIPELINE_STARTED: _pipeline_started,
        _E.BATCH_PHASE_STARTED: _phase_started,
        _E.BATCH_SPELLCHECK_INITIATE_COMMAND: _spellcheck_command,
        _E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND: _cj_command,
        _E.ESSAY_SPELLCHECK_REQUESTED: _spellcheck_request,
        _E.SPELLCHECK_RESULT: _spellcheck_result,
        _E.ELS_CJ_ASSESSMENT_REQUESTED: _cj_request,
        _E.CJ_ASSESSMENT_COMPLETED: _cj_completed,
        _E.CJ_ASSESSMENT_FAILED: _cj_failed,
        _E.ELS_BATCH_PHASE_OUTCOME: _phase_outcome,
        _E.BATCH_PIPELINE_COMPLETED: _pipeline_completed,
    }
)


def example_event(event: ProcessingEvent, **overrides: Any) -> EventData:
    """A valid example payload of `event`, with `overrides` applied and validated."""
    example = _BUILDERS[event]()
    if not overrides:
        return example
    return model_for_event(event).model_validate({**example.model_dump(), **overrides})


def example_envelope(
    event: ProcessingEvent,
    *,
    source_service: str = "example_service",
    correlation_id: UUID = EXAMPLE_CORRELATION_ID,
    **overrides: Any,
) -> EventEnvelope[EventData]:
    """An envelope around `example_event(event, **overrides)` with a deterministic event_id."""
    data = example_event(event, **overrides)
    event_id = deterministic_event_id(
        event,
        batch_id=str(getattr(data, "batch_id", BATCH_ID)),
        pipeline_run_id=getattr(data, "pipeline_run_id", None),
        essay_id=getattr(data, "essay_id", None),
    )
    return build_envelope(
        event,
        data,
        source_service=source_service,
        correlation_id=correlation_id,
        event_id=event_id,
    )
