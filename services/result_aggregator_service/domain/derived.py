"""What clients see of a batch view: its status, current run and phase, and essay order."""

from __future__ import annotations

from common_core.status_enums import (
    BatchClientStatus,
    PhaseName,
    PipelineExecutionStatus,
)

from .view import BatchView, EssayView, RunView

_FINAL_TO_CLIENT = {
    PipelineExecutionStatus.COMPLETED_SUCCESSFULLY: BatchClientStatus.COMPLETED_SUCCESSFULLY,
    PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS: (
        BatchClientStatus.COMPLETED_WITH_FAILURES
    ),
    PipelineExecutionStatus.FAILED: BatchClientStatus.FAILED,
}


def current_run(view: BatchView) -> RunView | None:
    """The latest run BOS started for the batch, if any."""
    if not view.runs:
        return None
    return max(view.runs.values(), key=lambda run: run.order_key)


def readiness_failed(view: BatchView) -> bool:
    """The batch failed before any pipeline: no usable essay arrived."""
    if view.ready_seen:
        return view.ready_essay_count == 0
    return view.timed_out and view.timeout_ready_count == 0


def usable_essay_count(view: BatchView) -> int:
    """Essays a pipeline can run on (the ready event wins over a readiness timeout)."""
    if view.ready_seen:
        return view.ready_essay_count
    return view.timeout_ready_count if view.timed_out else 0


def client_status(view: BatchView) -> BatchClientStatus:
    """The status a client sees, computed only from what RAS has seen of the batch."""
    run = current_run(view)
    if run is not None:
        if run.final_status is None:
            return BatchClientStatus.PROCESSING
        return _FINAL_TO_CLIENT.get(run.final_status, BatchClientStatus.FAILED)
    if readiness_failed(view):
        return BatchClientStatus.FAILED
    if view.ready_seen or view.timed_out:
        return BatchClientStatus.READY
    return BatchClientStatus.PENDING_CONTENT


def client_final_status(final_status: PipelineExecutionStatus) -> BatchClientStatus:
    return _FINAL_TO_CLIENT.get(final_status, BatchClientStatus.FAILED)


def current_phase(run: RunView | None) -> PhaseName | None:
    """The first phase of an unfinished run that has not reached a terminal status."""
    if run is None or run.final_status is not None:
        return None
    for phase in run.phase_order:
        progress = run.phases.get(phase)
        if progress is None or not progress.status.is_terminal:
            return phase
    return None


def phases_summary(run: RunView | None) -> dict[str, dict[str, object]]:
    """`{phase: {status, total, successful, failed}}` of the run, pruned phases included."""
    if run is None:
        return {}
    summary: dict[str, dict[str, object]] = {}
    for phase in run.phase_order:
        progress = run.phases.get(phase)
        status = progress.status if progress else PipelineExecutionStatus.PENDING_DEPENDENCIES
        summary[phase.value] = {
            "status": status.value,
            "total": progress.total if progress else 0,
            "successful": progress.successful if progress else 0,
            "failed": progress.failed if progress else 0,
        }
    for phase in run.pruned_phases:
        summary[phase.value] = {
            "status": PipelineExecutionStatus.SKIPPED_PRUNED.value,
            "total": 0,
            "successful": 0,
            "failed": 0,
        }
    return summary


def sorted_essays(essays: list[EssayView]) -> list[EssayView]:
    """Ranked essays first by rank, then the others by file name, then by key."""
    return sorted(
        essays,
        key=lambda e: (
            e.cj_rank is None,
            e.cj_rank or 0,
            e.file_name or "",
            e.key,
        ),
    )
