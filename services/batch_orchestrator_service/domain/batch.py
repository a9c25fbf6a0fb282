"""The batch as BOS keeps it: registration context, lifecycle status, essays and pipeline state.

`PipelineState` is the batch-level pipeline bookkeeping: the run in progress (its phases live in
the `pipeline_runs` table), a request waiting for readiness, the phases completed so far and the
text each essay's next phase should read (the corrected text once spellcheck ran).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from common_core.events.batch_coordination import FailedFile, ReadyEssay
from common_core.field_types import EntityId, UtcDatetime
from common_core.status_enums import BatchStatus, CourseCode, PhaseName

# Statuses in which a client may still add files (no pipeline has started or is running).
_ACCEPTS_FILES = frozenset(
    {
        BatchStatus.AWAITING_CONTENT,
        BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        BatchStatus.READINESS_TIMED_OUT,
    }
)


class QueuedPipelineRequest(BaseModel):
    """A client's pipeline request kept until the batch becomes ready."""

    model_config = ConfigDict(frozen=True)

    requested_pipeline: EntityId
    user_id: EntityId
    client_correlation_id: EntityId
    correlation_id: UUID
    requested_at: UtcDatetime


class PipelineState(BaseModel):
    """Batch-level pipeline bookkeeping, stored as JSON beside the batch."""

    model_config = ConfigDict(frozen=True)

    active_pipeline_run_id: EntityId | None = Field(
        default=None, description="The pipeline run in progress, if any."
    )
    last_pipeline_run_id: EntityId | None = Field(
        default=None, description="The most recently started pipeline run, if any."
    )
    queued_request: QueuedPipelineRequest | None = Field(
        default=None, description="A pipeline request waiting for the batch to become ready."
    )
    completed_phases: list[PhaseName] = Field(
        default_factory=list, description="Phases that completed for this batch, in order."
    )
    essay_texts: dict[str, str] = Field(
        default_factory=dict,
        description="Per essay id, the latest text reference a phase produced (e.g. the "
        "corrected text of spellcheck); essays absent here use their uploaded text.",
    )

    @property
    def queued_pipeline(self) -> str | None:
        return self.queued_request.requested_pipeline if self.queued_request else None


@dataclass(frozen=True)
class BatchContext:
    """What the teacher registered: the course context later phases need."""

    course_code: CourseCode
    essay_instructions: str
    expected_essay_count: int
    class_designation: str | None = None


@dataclass(frozen=True)
class Batch:
    """One registered batch (immutable: transitions return a changed copy)."""

    batch_id: str
    user_id: str
    status: BatchStatus
    context: BatchContext
    essay_ids: tuple[str, ...]
    readiness_deadline: datetime
    correlation_id: UUID
    created_at: datetime
    updated_at: datetime
    essays: tuple[ReadyEssay, ...] = ()
    failed_files: tuple[FailedFile, ...] = ()
    missing_essay_ids: tuple[str, ...] = ()
    ready_essay_count: int = 0
    status_reason: str | None = None
    pipeline_state: PipelineState = field(default_factory=PipelineState)

    @property
    def pipeline_running(self) -> bool:
        return self.status is BatchStatus.PROCESSING_PIPELINES

    @property
    def accepts_files(self) -> bool:
        return self.status in _ACCEPTS_FILES
