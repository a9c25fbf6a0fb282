"""The state of one pipeline run, as kept by BOS (the source of truth) and served to readers."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common_core.field_types import Count, EntityId, NonEmptyStr, UtcDatetime, utc_now
from common_core.status_enums import PhaseName, PipelineExecutionStatus


class EssayCounts(BaseModel):
    """How many essays a phase handles and how many have an outcome."""

    model_config = ConfigDict(validate_assignment=True)

    total: Count = Field(default=0, description="Essays the phase processes.")
    successful: Count = Field(default=0, description="Essays the phase succeeded for.")
    failed: Count = Field(default=0, description="Essays the phase failed for.")

    @model_validator(mode="after")
    def _outcomes_within_total(self) -> Self:
        if self.successful + self.failed > self.total:
            raise ValueError("successful + failed must not exceed total")
        return self

    @property
    def pending(self) -> int:
        """Essays still without an outcome."""
        return self.total - self.successful - self.failed


class ErrorInfo(BaseModel):
    """Why a phase or a pipeline run failed."""

    model_config = ConfigDict(frozen=True)

    code: EntityId = Field(description="Machine-readable error code.")
    message: NonEmptyStr = Field(description="Human-readable explanation.")
    occurred_at: UtcDatetime = Field(default_factory=utc_now, description="When it happened.")


class PhaseState(BaseModel):
    """Progress of one phase within a pipeline run."""

    model_config = ConfigDict(validate_assignment=True)

    phase: PhaseName = Field(description="The phase.")
    status: PipelineExecutionStatus = Field(
        default=PipelineExecutionStatus.PENDING_DEPENDENCIES, description="Current status."
    )
    essay_counts: EssayCounts = Field(
        default_factory=EssayCounts, description="Essays processed by the phase."
    )
    started_at: UtcDatetime | None = Field(default=None, description="When it was dispatched.")
    completed_at: UtcDatetime | None = Field(default=None, description="When it finished.")
    error: ErrorInfo | None = Field(default=None, description="Why it failed, if it did.")


class ProcessingPipelineState(BaseModel):
    """One pipeline run of a batch: the requested pipeline resolved into ordered phases."""

    model_config = ConfigDict(validate_assignment=True)

    batch_id: EntityId = Field(description="Batch being processed.")
    pipeline_run_id: EntityId = Field(description="Id of this pipeline run.")
    requested_pipeline: EntityId = Field(description="Pipeline name the client requested.")
    status: PipelineExecutionStatus = Field(
        default=PipelineExecutionStatus.REQUESTED, description="Status of the run as a whole."
    )
    phases: list[PhaseState] = Field(
        default_factory=list, description="Phases to execute, in execution order."
    )
    pruned_phases: list[PhaseName] = Field(
        default_factory=list, description="Phases skipped because they already completed."
    )
    requested_at: UtcDatetime = Field(
        default_factory=utc_now, description="When the run was requested."
    )
    started_at: UtcDatetime | None = Field(default=None, description="When the run started.")
    completed_at: UtcDatetime | None = Field(default=None, description="When the run finished.")
    error: ErrorInfo | None = Field(default=None, description="Why the run failed, if it did.")

    @model_validator(mode="after")
    def _phases_distinct(self) -> Self:
        names = [state.phase for state in self.phases] + list(self.pruned_phases)
        if len(set(names)) != len(names):
            raise ValueError("a phase may appear only once across phases and pruned_phases")
        return self

    @property
    def phase_names(self) -> list[PhaseName]:
        """The phases to execute, in order."""
        return [state.phase for state in self.phases]

    def phase_state(self, phase: PhaseName) -> PhaseState:
        """The state of `phase`; raises `KeyError` when the run does not execute it."""
        for state in self.phases:
            if state.phase == phase:
                return state
        raise KeyError(f"phase {phase.value!r} is not part of run {self.pipeline_run_id!r}")

    def next_phase(self) -> PhaseState | None:
        """The first phase that has not reached a terminal status, or None when all have."""
        return next((s for s in self.phases if not s.status.is_terminal), None)

    @property
    def is_finished(self) -> bool:
        """True when every phase has reached a terminal status."""
        return self.next_phase() is None
