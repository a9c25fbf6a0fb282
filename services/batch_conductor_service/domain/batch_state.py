"""BCS's projection of one batch: which essays completed which phase, and the results seen.

The pruning rule:

- The authoritative signal is `ELSBatchPhaseOutcomeV1`. An outcome with phase_status
  `completed_successfully` and no failed essays records the phase as complete for each of its
  processed essays. Any other outcome records only per-essay results.
- A phase is complete for the batch when every essay BCS knows for the batch (every essay seen
  in a result or an outcome, for any phase) has completed it. A batch BCS knows nothing about
  has no complete phase.
- Per-essay results (`SpellcheckResultDataV1`, `CJAssessmentCompletedV1`, the outcome's essays),
  CJ failures and finished pipeline runs are kept for the analysis summary only; they never
  mark a phase complete on their own.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from common_core.status_enums import PhaseName, PipelineExecutionStatus


class StateSource(StrEnum):
    """Where a batch state was read from."""

    CACHE = "cache"
    DATABASE = "database"  # a cache miss, after which the cache was filled
    DATABASE_FALLBACK = "database_fallback"  # Redis unavailable


class PhaseProgress(BaseModel):
    """What BCS knows about one phase of a batch."""

    model_config = ConfigDict(frozen=True)

    completed_essay_ids: tuple[str, ...] = ()
    successful_essays: int = Field(default=0, ge=0)
    failed_essays: int = Field(default=0, ge=0)
    last_outcome: PipelineExecutionStatus | None = None
    last_failure_reason: str | None = None


class PipelineRunSummary(BaseModel):
    """The latest finished pipeline run BCS saw for the batch."""

    model_config = ConfigDict(frozen=True)

    pipeline_run_id: str
    final_status: PipelineExecutionStatus
    successful_essay_count: int
    failed_essay_count: int


class BatchState(BaseModel):
    """The projection of one batch at `version` (increases with every applied event)."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    version: int = Field(default=0, ge=0)
    essay_ids: tuple[str, ...] = ()
    phases: dict[PhaseName, PhaseProgress] = Field(default_factory=dict)
    last_pipeline_run: PipelineRunSummary | None = None

    def progress(self, phase: PhaseName) -> PhaseProgress:
        return self.phases.get(phase, PhaseProgress())

    def is_phase_complete(self, phase: PhaseName) -> bool:
        """True when every known essay of the batch completed `phase` (see module doc)."""
        if not self.essay_ids:
            return False
        completed = set(self.progress(phase).completed_essay_ids)
        return completed.issuperset(self.essay_ids)

    def completed_phases(self) -> frozenset[PhaseName]:
        return frozenset(phase for phase in PhaseName if self.is_phase_complete(phase))
