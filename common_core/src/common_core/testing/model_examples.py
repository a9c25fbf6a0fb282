"""Realistic examples of the contracts that are not bus events."""

from __future__ import annotations

from pydantic import BaseModel

from common_core.error_models import ErrorCode, ErrorResponse
from common_core.metadata_models import (
    ContentType,
    EntityReference,
    EntityType,
    ProcessingStage,
    StorageReferenceMetadata,
    SystemProcessingMetadata,
)
from common_core.notifications import NotificationName, UserNotification, build_notification
from common_core.pipeline_models import (
    ErrorInfo,
    EssayCounts,
    PhaseState,
    ProcessingPipelineState,
)
from common_core.status_enums import (
    BatchClientStatus,
    OutcomeStatus,
    PhaseName,
    PipelineExecutionStatus,
    PipelineRejectionReason,
)
from common_core.testing.examples import (
    BATCH_ID,
    ESSAY_IDS,
    EXAMPLE_CORRELATION_ID,
    EXAMPLE_TIME,
    PIPELINE_RUN_ID,
)

_N = NotificationName
_NOTIFICATION_FIELDS: dict[NotificationName, dict[str, object]] = {
    _N.BATCH_REGISTERED: {},
    _N.FILE_ACCEPTED: {"file_name": "essay_1.docx", "student_name": "Anna Svensson"},
    _N.FILE_REJECTED: {"file_name": "scan.png", "reason": "unsupported_file_type"},
    _N.BATCH_READY: {"essay_count": 3},
    _N.BATCH_READINESS_TIMEOUT: {"missing": 1},
    _N.PIPELINE_STARTED: {"pipeline": "cj_assessment", "phases": ["spellcheck", "cj_assessment"]},
    _N.PHASE_STARTED: {"phase": PhaseName.SPELLCHECK, "essay_count": 3},
    _N.ESSAY_PROCESSED: {
        "phase": PhaseName.SPELLCHECK,
        "essay_id": ESSAY_IDS[0],
        "status": OutcomeStatus.SUCCESS,
    },
    _N.PHASE_COMPLETED: {"phase": PhaseName.SPELLCHECK, "successful": 2, "failed": 1},
    _N.PIPELINE_COMPLETED: {
        "status": BatchClientStatus.COMPLETED_WITH_FAILURES,
        "successful": 2,
        "failed": 1,
    },
    _N.PIPELINE_REJECTED: {
        "pipeline": "ai_feedback",
        "reason": PipelineRejectionReason.UNKNOWN_PIPELINE,
    },
}


def example_notification(name: NotificationName, *, seq: int = 1) -> UserNotification:
    """A valid example notification called `name`."""
    return build_notification(
        name, batch_id=BATCH_ID, seq=seq, timestamp=EXAMPLE_TIME, **_NOTIFICATION_FIELDS[name]
    )


def example_pipeline_state() -> ProcessingPipelineState:
    """A run whose spellcheck phase finished with one failure and whose CJ phase is running."""
    spellcheck = PhaseState(
        phase=PhaseName.SPELLCHECK,
        status=PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
        essay_counts=EssayCounts(total=3, successful=2, failed=1),
        started_at=EXAMPLE_TIME,
        completed_at=EXAMPLE_TIME.replace(minute=28),
    )
    cj = PhaseState(
        phase=PhaseName.CJ_ASSESSMENT,
        status=PipelineExecutionStatus.IN_PROGRESS,
        essay_counts=EssayCounts(total=2),
        started_at=EXAMPLE_TIME.replace(minute=28),
    )
    return ProcessingPipelineState(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        requested_pipeline="cj_assessment",
        status=PipelineExecutionStatus.IN_PROGRESS,
        phases=[spellcheck, cj],
        requested_at=EXAMPLE_TIME,
        started_at=EXAMPLE_TIME,
    )


def example_failed_pipeline_state() -> ProcessingPipelineState:
    """A finished run whose only phase failed."""
    failure = ErrorInfo(
        code="cj_assessment_failed", message="Too few essays.", occurred_at=EXAMPLE_TIME
    )
    phase = PhaseState(
        phase=PhaseName.CJ_ASSESSMENT,
        status=PipelineExecutionStatus.FAILED,
        essay_counts=EssayCounts(total=1, failed=1),
        started_at=EXAMPLE_TIME,
        completed_at=EXAMPLE_TIME,
        error=failure,
    )
    return ProcessingPipelineState(
        batch_id=BATCH_ID,
        pipeline_run_id=PIPELINE_RUN_ID,
        requested_pipeline="cj_assessment",
        status=PipelineExecutionStatus.FAILED,
        phases=[phase],
        pruned_phases=[PhaseName.SPELLCHECK],
        requested_at=EXAMPLE_TIME,
        started_at=EXAMPLE_TIME,
        completed_at=EXAMPLE_TIME,
        error=failure,
    )


def example_error_response() -> ErrorResponse:
    """A validation error body as every service returns it."""
    return ErrorResponse.build(
        ErrorCode.VALIDATION_ERROR,
        "Request body is invalid.",
        details={"fields": {"expected_essay_count": "must be at least 1"}},
        correlation_id=str(EXAMPLE_CORRELATION_ID),
    )


def example_metadata_models() -> list[BaseModel]:
    """One example of each metadata model."""
    essay = EntityReference(
        entity_id=ESSAY_IDS[0], entity_type=EntityType.ESSAY, parent_id=BATCH_ID
    )
    storage = StorageReferenceMetadata().with_reference(ContentType.ORIGINAL_ESSAY, "txt-3b9f")
    processing = SystemProcessingMetadata(
        entity=essay,
        event="spellcheck_result",
        processing_stage=ProcessingStage.COMPLETED,
        started_at=EXAMPLE_TIME,
        completed_at=EXAMPLE_TIME.replace(second=59),
    )
    return [essay, storage, processing]


def example_contract_models() -> list[BaseModel]:
    """An example of every contract model that is not a bus event."""
    notifications = [example_notification(name, seq=n) for n, name in enumerate(_N, start=1)]
    return [
        example_pipeline_state(),
        example_failed_pipeline_state(),
        example_error_response(),
        *example_metadata_models(),
        *notifications,
    ]
