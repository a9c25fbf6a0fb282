"""What each consumed event changes in BCS's projection (see `batch_state` for the rule)."""

from __future__ import annotations

from dataclasses import dataclass

from common_core.events.cj_assessment import CJAssessmentCompletedV1, CJAssessmentFailedV1
from common_core.events.pipeline import BatchPipelineCompletedV1, ELSBatchPhaseOutcomeV1
from common_core.events.spellcheck import SpellcheckResultDataV1
from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus

from .batch_state import PipelineRunSummary


@dataclass(frozen=True, slots=True)
class EssayResult:
    """The latest outcome of one essay in one phase."""

    phase: PhaseName
    essay_id: str
    status: OutcomeStatus


@dataclass(frozen=True, slots=True)
class PhaseOutcome:
    """A phase-level outcome of one pipeline run (ELS outcome or CJ failure)."""

    phase: PhaseName
    status: PipelineExecutionStatus
    successful: int
    failed: int
    reason: str | None = None
    authoritative: bool = True


@dataclass(frozen=True, slots=True)
class ProjectionUpdate:
    """The changes one event makes; applying it twice changes nothing more."""

    batch_id: str
    pipeline_run_id: str
    essay_results: tuple[EssayResult, ...] = ()
    completed_phase: PhaseName | None = None
    completed_essay_ids: tuple[str, ...] = ()
    phase_outcome: PhaseOutcome | None = None
    pipeline_run: PipelineRunSummary | None = None


def from_spellcheck_result(data: SpellcheckResultDataV1) -> ProjectionUpdate:
    result = EssayResult(PhaseName.SPELLCHECK, data.essay_id, data.status)
    return ProjectionUpdate(data.batch_id, data.pipeline_run_id, essay_results=(result,))


def from_cj_completed(data: CJAssessmentCompletedV1) -> ProjectionUpdate:
    results = tuple(
        EssayResult(PhaseName.CJ_ASSESSMENT, ranking.essay_id, OutcomeStatus.SUCCESS)
        for ranking in data.rankings
    )
    return ProjectionUpdate(data.batch_id, data.pipeline_run_id, essay_results=results)


def from_cj_failed(data: CJAssessmentFailedV1) -> ProjectionUpdate:
    # ELS's outcome for the same run follows and supersedes this (it knows the essays).
    outcome = PhaseOutcome(
        PhaseName.CJ_ASSESSMENT,
        PipelineExecutionStatus.FAILED,
        successful=0,
        failed=0,
        reason=f"{data.reason}: {data.message}",
        authoritative=False,
    )
    return ProjectionUpdate(data.batch_id, data.pipeline_run_id, phase_outcome=outcome)


def from_phase_outcome(data: ELSBatchPhaseOutcomeV1) -> ProjectionUpdate:
    processed = tuple(essay.essay_id for essay in data.processed_essays)
    results = tuple(
        [EssayResult(data.phase_name, essay_id, OutcomeStatus.SUCCESS) for essay_id in processed]
        + [
            EssayResult(data.phase_name, essay_id, OutcomeStatus.FAILED)
            for essay_id in data.failed_essay_ids
        ]
    )
    clean = (
        data.phase_status is PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
        and not data.failed_essay_ids
        and bool(processed)
    )
    outcome = PhaseOutcome(
        data.phase_name,
        data.phase_status,
        successful=len(processed),
        failed=len(data.failed_essay_ids),
    )
    return ProjectionUpdate(
        data.batch_id,
        data.pipeline_run_id,
        essay_results=results,
        completed_phase=data.phase_name if clean else None,
        completed_essay_ids=processed if clean else (),
        phase_outcome=outcome,
    )


def from_pipeline_completed(data: BatchPipelineCompletedV1) -> ProjectionUpdate:
    run = PipelineRunSummary(
        pipeline_run_id=data.pipeline_run_id,
        final_status=data.final_status,
        successful_essay_count=data.successful_essay_count,
        failed_essay_count=data.failed_essay_count,
    )
    return ProjectionUpdate(data.batch_id, data.pipeline_run_id, pipeline_run=run)
