"""The state machine of one pipeline run (pure: no I/O, no framework).

A run is the requested pipeline as BCS resolved it: ordered phases (and those pruned because
they already completed). Starting it marks the batch as processing and dispatches the first
phase, or completes at once when every phase was pruned. Each phase outcome of ELS records the
phase's counts, then dispatches the next phase with the essays that succeeded, or completes
the run with exact counts and a final status. A phase is dispatched at most once per run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from common_core.events.base import EssayTextRef
from common_core.events.pipeline import (
    BatchPipelineCompletedV1,
    ELSBatchPhaseOutcomeV1,
    PhaseResult,
)
from common_core.pipeline_models import ErrorInfo, EssayCounts, PhaseState, ProcessingPipelineState
from common_core.status_enums import BatchStatus, PhaseName, PipelineExecutionStatus

from .batch import Batch
from .language import infer_language
from .phase_commands import PHASE_COMMANDS, PhaseCommand, PhaseDispatch, TextSource
from .pipeline_requests import PIPELINE_RUN_FAILED

_S = PipelineExecutionStatus

NO_ESSAYS_LEFT = "no_essays_left"
_NOT_YET_STARTED = frozenset({_S.REQUESTED, _S.PENDING_DEPENDENCIES})
_AWAITING_OUTCOME = frozenset({_S.DISPATCH_INITIATED, _S.IN_PROGRESS})
_BATCH_STATUS_OF_RUN = {
    _S.COMPLETED_SUCCESSFULLY: BatchStatus.COMPLETED_SUCCESSFULLY,
    _S.COMPLETED_WITH_PARTIAL_SUCCESS: BatchStatus.COMPLETED_WITH_FAILURES,
    _S.FAILED: BatchStatus.FAILED,
}


class PhaseAlreadyStartedError(RuntimeError):
    """A phase was asked to start a second time within its run."""


@dataclass(frozen=True)
class PipelineResolution:
    """BCS's answer: the phases to run, in order, and the phases pruned."""

    final_pipeline: tuple[PhaseName, ...]
    pruned_phases: tuple[PhaseName, ...] = ()


@dataclass(frozen=True)
class PhaseStart:
    """A phase to dispatch now: its command and what the command carries."""

    phase: PhaseName
    command: PhaseCommand
    dispatch: PhaseDispatch


@dataclass(frozen=True)
class RunStep:
    """The batch and run after a step, and what to announce: a phase start or the completion."""

    batch: Batch
    run: ProcessingPipelineState
    phase_start: PhaseStart | None = None
    completion: BatchPipelineCompletedV1 | None = None


@dataclass(frozen=True)
class OutcomeIgnored:
    """An outcome that changes nothing (stale run, unknown or already finished phase)."""

    note: str


def new_run(
    batch: Batch,
    requested_pipeline: str,
    resolution: PipelineResolution,
    *,
    run_id: str,
    now: datetime,
) -> ProcessingPipelineState:
    """A run of `requested_pipeline` as resolved, every phase still pending."""
    return ProcessingPipelineState(
        batch_id=batch.batch_id,
        pipeline_run_id=run_id,
        requested_pipeline=requested_pipeline,
        status=_S.IN_PROGRESS,
        phases=[PhaseState(phase=phase) for phase in resolution.final_pipeline],
        pruned_phases=list(resolution.pruned_phases),
        requested_at=now,
        started_at=now,
    )


def start_run(batch: Batch, run: ProcessingPipelineState, *, now: datetime) -> RunStep:
    """The batch processing `run`, with its first phase dispatched (or the run completed at
    once when BCS pruned every phase)."""
    state = batch.pipeline_state.model_copy(
        update={
            "active_pipeline_run_id": run.pipeline_run_id,
            "last_pipeline_run_id": run.pipeline_run_id,
            "queued_request": None,
        }
    )
    running = dataclasses.replace(
        batch,
        status=BatchStatus.PROCESSING_PIPELINES,
        status_reason=None,
        pipeline_state=state,
        updated_at=now,
    )
    if not run.phases:
        every_essay = len(batch.essays)
        return _complete(running, run, successful=every_essay, total=every_essay, now=now)
    first = run.phases[0].phase
    essays = first_phase_essays(batch, PHASE_COMMANDS[first].text_source)
    return _start_phase(running, run, first, essays, now=now)


def first_phase_essays(batch: Batch, source: TextSource) -> tuple[EssayTextRef, ...]:
    """Every usable essay of the batch, reading the text `source` names."""
    latest = batch.pipeline_state.essay_texts if source is TextSource.LATEST else {}
    return tuple(
        EssayTextRef(
            essay_id=essay.essay_id,
            text_storage_id=latest.get(essay.essay_id, essay.text_storage_id),
        )
        for essay in batch.essays
    )


def apply_outcome(
    batch: Batch,
    run: ProcessingPipelineState,
    outcome: ELSBatchPhaseOutcomeV1,
    *,
    now: datetime,
) -> RunStep | OutcomeIgnored:
    """Record a phase's outcome, then start the next phase or complete the run."""
    if batch.pipeline_state.active_pipeline_run_id != run.pipeline_run_id or run.status.is_terminal:
        return OutcomeIgnored(f"run {run.pipeline_run_id} is not in progress")
    if outcome.phase_name not in run.phase_names:
        return OutcomeIgnored(f"phase {outcome.phase_name.value} is not part of the run")
    if run.phase_state(outcome.phase_name).status not in _AWAITING_OUTCOME:
        return OutcomeIgnored(f"phase {outcome.phase_name.value} is not awaiting an outcome")
    run = run.model_copy(deep=True)
    processed = _record_phase_outcome(run.phase_state(outcome.phase_name), outcome, now=now)
    batch = _remember_phase(batch, outcome.phase_name, outcome.phase_status, processed, now=now)
    following = run.next_phase()
    if following is not None and processed:
        return _start_phase(batch, run, following.phase, processed, now=now)
    if following is not None:
        _abandon_remaining_phases(run, now=now)
    total = run.phases[0].essay_counts.total
    return _complete(batch, run, successful=len(processed), total=total, now=now)


def final_status(
    phases: Sequence[PhaseState], *, successful: int, total: int
) -> PipelineExecutionStatus:
    """completed_successfully when every phase succeeded for every essay; failed when no
    essay came through every phase; completed_with_partial_success otherwise."""
    if total > 0 and successful == 0:
        return _S.FAILED
    every_phase_succeeded = all(state.status is _S.COMPLETED_SUCCESSFULLY for state in phases)
    if every_phase_succeeded and successful == total:
        return _S.COMPLETED_SUCCESSFULLY
    return _S.COMPLETED_WITH_PARTIAL_SUCCESS


def _start_phase(
    batch: Batch,
    run: ProcessingPipelineState,
    phase: PhaseName,
    essays: tuple[EssayTextRef, ...],
    *,
    now: datetime,
) -> RunStep:
    run = run.model_copy(deep=True)
    state = run.phase_state(phase)
    if state.status not in _NOT_YET_STARTED:
        raise PhaseAlreadyStartedError(
            f"phase {phase.value} of run {run.pipeline_run_id} is already {state.status.value}"
        )
    state.status = _S.DISPATCH_INITIATED
    state.started_at = now
    state.essay_counts = EssayCounts(total=len(essays))
    dispatch = PhaseDispatch(
        batch_id=batch.batch_id,
        pipeline_run_id=run.pipeline_run_id,
        language=infer_language(batch.context.course_code),
        essay_instructions=batch.context.essay_instructions,
        essays=essays,
    )
    return RunStep(batch, run, phase_start=PhaseStart(phase, PHASE_COMMANDS[phase], dispatch))


def _record_phase_outcome(
    state: PhaseState, outcome: ELSBatchPhaseOutcomeV1, *, now: datetime
) -> tuple[EssayTextRef, ...]:
    """Store the phase's counts and status; returns the essays it succeeded for (unique)."""
    processed = tuple({essay.essay_id: essay for essay in outcome.processed_essays}.values())
    total = state.essay_counts.total
    successful = min(len(processed), total)
    failed = min(len(set(outcome.failed_essay_ids)), total - successful)
    state.essay_counts = EssayCounts(total=total, successful=successful, failed=failed)
    state.status = outcome.phase_status
    state.completed_at = now
    return processed[:successful]


def _remember_phase(
    batch: Batch,
    phase: PhaseName,
    status: PipelineExecutionStatus,
    processed: tuple[EssayTextRef, ...],
    *,
    now: datetime,
) -> Batch:
    """Keep each processed essay's latest text and, if it succeeded at all, the phase."""
    state = batch.pipeline_state
    texts = {**state.essay_texts, **{e.essay_id: e.text_storage_id for e in processed}}
    completed = list(state.completed_phases)
    if processed and status is not _S.FAILED and phase not in completed:
        completed.append(phase)
    updated = state.model_copy(update={"essay_texts": texts, "completed_phases": completed})
    return dataclasses.replace(batch, pipeline_state=updated, updated_at=now)


def _abandon_remaining_phases(run: ProcessingPipelineState, *, now: datetime) -> None:
    """Phases after one that left no essay cannot run: they fail without being dispatched."""
    for state in run.phases:
        if state.status in _NOT_YET_STARTED:
            state.status = _S.FAILED
            state.completed_at = now
            state.error = ErrorInfo(
                code=NO_ESSAYS_LEFT,
                message="no essay succeeded in the previous phase",
                occurred_at=now,
            )


def _complete(
    batch: Batch,
    run: ProcessingPipelineState,
    *,
    successful: int,
    total: int,
    now: datetime,
) -> RunStep:
    run = run.model_copy(deep=True)
    status = final_status(run.phases, successful=successful, total=total)
    run.status = status
    run.completed_at = now
    completion = BatchPipelineCompletedV1(
        batch_id=batch.batch_id,
        pipeline_run_id=run.pipeline_run_id,
        final_status=status,
        phase_results=[_phase_result(state) for state in run.phases],
        successful_essay_count=successful,
        failed_essay_count=total - successful,
    )
    state = batch.pipeline_state.model_copy(update={"active_pipeline_run_id": None})
    finished = dataclasses.replace(
        batch,
        status=_BATCH_STATUS_OF_RUN[status],
        status_reason=PIPELINE_RUN_FAILED if status is _S.FAILED else None,
        pipeline_state=state,
        updated_at=now,
    )
    return RunStep(finished, run, completion=completion)


def _phase_result(state: PhaseState) -> PhaseResult:
    counts = state.essay_counts
    return PhaseResult(
        phase=state.phase,
        status=state.status,
        successful=counts.successful,
        failed=counts.failed,
    )
