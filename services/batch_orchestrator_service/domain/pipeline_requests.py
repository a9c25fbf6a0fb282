"""Whether a client's pipeline request is refused, kept for later, or starts a run now.

- unknown batch -> unknown_batch; someone else's batch -> not_owner;
- a batch that failed before any pipeline (no usable essays) -> batch_failed;
- a run in progress, or another pipeline already waiting -> already_running;
- a batch still awaiting content (also after a readiness timeout) -> kept, started when ELS
  announces the batch ready. BatchReadinessTimeout carries no essay text references, so BOS
  cannot start a run on the essays that did arrive; the batch becomes ready (BatchEssaysReady)
  once the missing files come, and the kept request starts then;
- a ready batch, a finished batch (completed, or whose last run failed) -> start a run (BOS then
  asks BCS, which refuses an unknown pipeline -> unknown_pipeline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from common_core.status_enums import BatchStatus, PipelineRejectionReason

from .batch import Batch, QueuedPipelineRequest

PIPELINE_RUN_FAILED = "pipeline_run_failed"
"""`status_reason` of a batch whose last run failed; unlike a readiness failure it may retry."""

_AWAITING_CONTENT = frozenset({BatchStatus.AWAITING_CONTENT, BatchStatus.READINESS_TIMED_OUT})
_STARTABLE = frozenset(
    {
        BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        BatchStatus.COMPLETED_SUCCESSFULLY,
        BatchStatus.COMPLETED_WITH_FAILURES,
    }
)


@dataclass(frozen=True)
class Reject:
    reason: PipelineRejectionReason
    message: str


@dataclass(frozen=True)
class Queue:
    """Keep the request on the batch until it becomes ready."""


@dataclass(frozen=True)
class AlreadyQueued:
    """The same pipeline is already waiting for this batch: nothing to do."""


@dataclass(frozen=True)
class Start:
    """Resolve the pipeline with BCS and start a run."""


RequestDecision = Reject | Queue | AlreadyQueued | Start


def decide_request(batch: Batch | None, *, pipeline: str, user_id: str) -> RequestDecision:
    """What to do with a request for `pipeline` by `user_id` on `batch` (None: unknown)."""
    if batch is None:
        return Reject(PipelineRejectionReason.UNKNOWN_BATCH, "the batch does not exist")
    if batch.user_id != user_id:
        return Reject(PipelineRejectionReason.NOT_OWNER, "the batch belongs to another user")
    if batch.status is BatchStatus.FAILED and batch.status_reason != PIPELINE_RUN_FAILED:
        reason = batch.status_reason or "failed"
        return Reject(
            PipelineRejectionReason.BATCH_FAILED, f"the batch failed ({reason}) and cannot run"
        )
    if batch.status is BatchStatus.PROCESSING_PIPELINES:
        running = batch.pipeline_state.active_pipeline_run_id
        return Reject(
            PipelineRejectionReason.ALREADY_RUNNING,
            f"pipeline run {running} is still in progress for this batch",
        )
    queued = batch.pipeline_state.queued_request
    if queued is not None:
        if batch.status in _AWAITING_CONTENT and queued.requested_pipeline == pipeline:
            return AlreadyQueued()
        return Reject(
            PipelineRejectionReason.ALREADY_RUNNING,
            f"pipeline {queued.requested_pipeline!r} is already waiting to run on this batch",
        )
    if batch.status in _AWAITING_CONTENT:
        return Queue()
    if batch.status in _STARTABLE or batch.status is BatchStatus.FAILED:
        return Start()
    raise AssertionError(f"unhandled batch status {batch.status.value}")


def queue_request(batch: Batch, request: QueuedPipelineRequest, *, now: datetime) -> Batch:
    """The batch keeping `request` until it becomes ready."""
    state = batch.pipeline_state.model_copy(update={"queued_request": request})
    return dataclasses.replace(batch, pipeline_state=state, updated_at=now)


def without_queued_request(batch: Batch, *, now: datetime) -> Batch:
    """The batch with its waiting request dropped (started elsewhere, or refused)."""
    state = batch.pipeline_state.model_copy(update={"queued_request": None})
    return dataclasses.replace(batch, pipeline_state=state, updated_at=now)


def settle_queued_request(batch: Batch) -> Start | Reject | None:
    """What becomes of the waiting request now: start it (the batch is ready), refuse it (the
    batch failed to become ready), or keep waiting (None; also when nothing waits)."""
    if batch.pipeline_state.queued_request is None:
        return None
    if batch.status is BatchStatus.READY_FOR_PIPELINE_EXECUTION:
        return Start()
    if batch.status is BatchStatus.FAILED:
        reason = batch.status_reason or "failed"
        return Reject(
            PipelineRejectionReason.BATCH_FAILED, f"the batch failed ({reason}) and cannot run"
        )
    return None
