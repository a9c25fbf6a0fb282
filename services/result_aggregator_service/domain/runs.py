"""Projections of the pipeline events: runs, phases and the per-essay results.

Precedence of a phase's counts, whatever order the events arrive in: BOS's
BatchPipelineCompletedV1 (the source of truth) over ELS's phase outcome over the running count
of per-essay results.
"""

from __future__ import annotations

from datetime import datetime

from common_core.events.cj_assessment import CJAssessmentCompletedV1, CJAssessmentFailedV1
from common_core.events.pipeline import (
    BatchPhaseStartedV1,
    BatchPipelineCompletedV1,
    BatchPipelineStartedV1,
    ELSBatchPhaseOutcomeV1,
)
from common_core.events.spellcheck import SpellcheckResultDataV1
from common_core.notifications import NotificationName as N
from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus

from .derived import client_final_status
from .notices import Notice
from .view import BatchView, ErrorNote, PhaseProgress, RunView, set_latest_error

PIPELINE_FAILED = "pipeline_failed"


def on_pipeline_started(
    view: BatchView, data: BatchPipelineStartedV1, at: datetime
) -> list[Notice]:
    run = view.run_for(data.pipeline_run_id, at)
    first_start = run.started_at is None
    run.started_at = at if run.started_at is None else min(run.started_at, at)
    run.requested_pipeline = data.requested_pipeline
    run.pruned_phases = list(data.pruned_phases)
    late_phases = [p for p in run.phase_order if p not in data.phases]
    run.phase_order = [*data.phases, *late_phases]
    for phase in data.phases:
        run.progress(phase)
    if not first_start:
        return []
    fields = {"pipeline": data.requested_pipeline, "phases": list(data.phases)}
    return [Notice(N.PIPELINE_STARTED, fields)]


def on_phase_started(view: BatchView, data: BatchPhaseStartedV1, at: datetime) -> list[Notice]:
    run = view.run_for(data.pipeline_run_id, at)
    progress = run.progress(data.phase)
    if progress.started:
        return []
    progress.started = True
    progress.total = max(data.essay_count, progress.successful + progress.failed)
    if not progress.status.is_terminal:
        progress.status = PipelineExecutionStatus.IN_PROGRESS
    return [Notice(N.PHASE_STARTED, {"phase": data.phase, "essay_count": data.essay_count})]


def on_spellcheck_result(
    view: BatchView, data: SpellcheckResultDataV1, at: datetime
) -> list[Notice]:
    essay = view.essay_for(data.essay_id, at)
    if essay.spellcheck_at is None or at >= essay.spellcheck_at:
        essay.spellcheck_status = data.status
        essay.spellcheck_run_id = data.pipeline_run_id
        essay.correction_count = data.correction_count
        essay.corrections = [c.model_dump(mode="json") for c in data.corrections]
        essay.corrected_text_storage_id = data.corrected_text_storage_id
        essay.spellcheck_error = data.error
        essay.spellcheck_at = at
    run = view.run_for(data.pipeline_run_id, at)
    progress = _counting(run, PhaseName.SPELLCHECK)
    if progress is not None:
        success = data.status is OutcomeStatus.SUCCESS
        progress.count_outcome(int(success), int(not success))
    fields = {"phase": PhaseName.SPELLCHECK, "essay_id": data.essay_id, "status": data.status}
    return [Notice(N.ESSAY_PROCESSED, fields)]


def on_cj_completed(view: BatchView, data: CJAssessmentCompletedV1, at: datetime) -> list[Notice]:
    notices: list[Notice] = []
    for ranking in sorted(data.rankings, key=lambda r: (r.rank, r.essay_id)):
        essay = view.essay_for(ranking.essay_id, at)
        if essay.cj_at is None or at >= essay.cj_at:
            essay.cj_rank = ranking.rank
            essay.cj_score = ranking.score
            essay.cj_run_id = data.pipeline_run_id
            essay.cj_at = at
        fields = {
            "phase": PhaseName.CJ_ASSESSMENT,
            "essay_id": ranking.essay_id,
            "status": OutcomeStatus.SUCCESS,
        }
        notices.append(Notice(N.ESSAY_PROCESSED, fields))
    run = view.run_for(data.pipeline_run_id, at)
    progress = _counting(run, PhaseName.CJ_ASSESSMENT)
    if progress is not None:
        progress.count_outcome(len(data.rankings), 0)
    return notices


def on_cj_failed(view: BatchView, data: CJAssessmentFailedV1, at: datetime) -> list[Notice]:
    run = view.run_for(data.pipeline_run_id, at)
    progress = _counting(run, PhaseName.CJ_ASSESSMENT)
    if progress is not None:
        progress.settle(PipelineExecutionStatus.FAILED, 0, progress.total)
    set_latest_error(view, ErrorNote(code=data.reason, message=data.message, at=at))
    return []


def on_phase_outcome(view: BatchView, data: ELSBatchPhaseOutcomeV1, at: datetime) -> list[Notice]:
    run = view.run_for(data.pipeline_run_id, at)
    progress = run.progress(data.phase_name)
    successful, failed = len(data.processed_essays), len(data.failed_essay_ids)
    if run.final_status is None:
        progress.settle(data.phase_status, successful, failed)
    if progress.outcome_recorded:
        return []
    progress.outcome_recorded = True
    fields = {"phase": data.phase_name, "successful": successful, "failed": failed}
    return [Notice(N.PHASE_COMPLETED, fields)]


def on_pipeline_completed(
    view: BatchView, data: BatchPipelineCompletedV1, at: datetime
) -> list[Notice]:
    run = view.run_for(data.pipeline_run_id, at)
    for result in data.phase_results:
        run.progress(result.phase).settle(result.status, result.successful, result.failed)
    if run.final_status is not None:
        return []
    run.final_status = data.final_status
    run.successful = data.successful_essay_count
    run.failed = data.failed_essay_count
    run.completed_at = at
    if data.final_status is PipelineExecutionStatus.FAILED:
        message = f"Pipeline {run.requested_pipeline or 'run'} {data.pipeline_run_id} failed."
        set_latest_error(view, ErrorNote(code=PIPELINE_FAILED, message=message, at=at))
    fields = {
        "status": client_final_status(data.final_status),
        "successful": data.successful_essay_count,
        "failed": data.failed_essay_count,
    }
    return [Notice(N.PIPELINE_COMPLETED, fields)]


def _counting(run: RunView, phase: PhaseName) -> PhaseProgress | None:
    """The phase's progress while per-essay results still count (no outcome yet)."""
    progress = run.progress(phase)
    if run.final_status is not None or progress.outcome_recorded:
        return None
    return progress
