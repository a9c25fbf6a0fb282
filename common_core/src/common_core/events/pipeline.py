"""Pipeline request, progress and completion events (gateway, BOS, ELS)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, field_validator, model_validator

from common_core.events.base import EssayTextRef, EventData
from common_core.field_types import Count, EntityId, NonEmptyStr
from common_core.status_enums import PhaseName, PipelineExecutionStatus, PipelineRejectionReason

OUTCOME_STATUSES = frozenset(
    {
        PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
        PipelineExecutionStatus.FAILED,
    }
)
"""Statuses a finished phase or pipeline run can report."""


def _require_outcome_status(status: PipelineExecutionStatus) -> PipelineExecutionStatus:
    if status not in OUTCOME_STATUSES:
        allowed = ", ".join(sorted(s.value for s in OUTCOME_STATUSES))
        raise ValueError(f"must be an outcome status ({allowed}), got {status.value!r}")
    return status


class ClientBatchPipelineRequestV1(EventData):
    """A client asked for a pipeline to run on a batch (published by the gateway)."""

    batch_id: EntityId = Field(description="Batch to process.")
    requested_pipeline: EntityId = Field(
        description="Pipeline name from BCS's pipelines.yaml (e.g. spellcheck, cj_assessment)."
    )
    client_correlation_id: EntityId = Field(description="Correlation id of the client request.")
    user_id: EntityId = Field(description="Id of the requesting user (from the JWT).")


class PipelineRequestRejectedV1(EventData):
    """BOS could not honour a client pipeline request."""

    batch_id: EntityId = Field(description="Batch named in the request.")
    user_id: EntityId = Field(description="The requester (the only one notified).")
    requested_pipeline: EntityId = Field(description="Pipeline name that was requested.")
    reason_code: PipelineRejectionReason = Field(description="Why the request was refused.")
    message: NonEmptyStr = Field(description="Human-readable explanation.")


class BatchPipelineStartedV1(EventData):
    """BOS started a pipeline run: the ordered phases to execute and those pruned."""

    batch_id: EntityId = Field(description="Batch being processed.")
    pipeline_run_id: EntityId = Field(description="Id of this pipeline run.")
    requested_pipeline: EntityId = Field(description="Pipeline name that was requested.")
    phases: list[PhaseName] = Field(
        description="Phases to execute, in order (empty when all were pruned)."
    )
    pruned_phases: list[PhaseName] = Field(
        default_factory=list, description="Phases skipped because they already completed."
    )

    @model_validator(mode="after")
    def _phases_distinct(self) -> Self:
        all_phases = [*self.phases, *self.pruned_phases]
        if len(set(all_phases)) != len(all_phases):
            raise ValueError("a phase may appear only once across phases and pruned_phases")
        return self


class BatchPhaseStartedV1(EventData):
    """BOS dispatched one phase of a pipeline run."""

    batch_id: EntityId = Field(description="Batch being processed.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    phase: PhaseName = Field(description="The phase that started.")
    essay_count: Count = Field(description="Number of essays the phase processes.")


class ELSBatchPhaseOutcomeV1(EventData):
    """ELS reports that every essay of a phase has an outcome."""

    batch_id: EntityId = Field(description="Batch being processed.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    phase_name: PhaseName = Field(description="The finished phase.")
    phase_status: PipelineExecutionStatus = Field(
        description="completed_successfully, completed_with_partial_success or failed."
    )
    processed_essays: list[EssayTextRef] = Field(
        default_factory=list,
        description="Essays the phase succeeded for, with the text the next phase should use.",
    )
    failed_essay_ids: list[EntityId] = Field(
        default_factory=list, description="Essays the phase failed for."
    )

    _check_status = field_validator("phase_status")(_require_outcome_status)


class PhaseResult(EventData):
    """Summary of one phase of a finished pipeline run."""

    phase: PhaseName = Field(description="The phase.")
    status: PipelineExecutionStatus = Field(description="Final status of the phase.")
    successful: Count = Field(description="Essays the phase succeeded for.")
    failed: Count = Field(description="Essays the phase failed for.")


class BatchPipelineCompletedV1(EventData):
    """BOS finished a pipeline run."""

    batch_id: EntityId = Field(description="Batch that was processed.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    final_status: PipelineExecutionStatus = Field(
        description="completed_successfully, completed_with_partial_success or failed."
    )
    phase_results: list[PhaseResult] = Field(
        default_factory=list, description="One entry per phase of the run, in order."
    )
    successful_essay_count: Count = Field(description="Essays that went through every phase.")
    failed_essay_count: Count = Field(description="Essays that failed in some phase.")

    _check_status = field_validator("final_status")(_require_outcome_status)
