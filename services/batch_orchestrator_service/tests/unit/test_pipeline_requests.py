"""Acceptance rules of a client pipeline request (refuse, keep for later, start)."""

from __future__ import annotations

import dataclasses
from uuid import uuid4

import pytest

from common_core.status_enums import BatchStatus, PipelineRejectionReason
from services.batch_orchestrator_service.domain.batch import Batch, QueuedPipelineRequest
from services.batch_orchestrator_service.domain.pipeline_requests import (
    PIPELINE_RUN_FAILED,
    AlreadyQueued,
    Queue,
    Reject,
    Start,
    decide_request,
    queue_request,
    settle_queued_request,
    without_queued_request,
)
from services.batch_orchestrator_service.domain.readiness import NO_USABLE_ESSAYS

from .factories import NOW, make_batch
from .pipeline_factories import ready_batch

OWNER = "teacher-1"
R = PipelineRejectionReason


def in_status(status: BatchStatus, reason: str | None = None) -> Batch:
    return dataclasses.replace(ready_batch(), status=status, status_reason=reason)


def queued(pipeline: str = "spellcheck") -> QueuedPipelineRequest:
    return QueuedPipelineRequest(
        requested_pipeline=pipeline,
        user_id=OWNER,
        client_correlation_id="client-1",
        correlation_id=uuid4(),
        requested_at=NOW,
    )


def with_queued(batch: Batch, pipeline: str = "spellcheck") -> Batch:
    return queue_request(batch, queued(pipeline), now=NOW)


def decide(batch: Batch | None, user_id: str = OWNER, pipeline: str = "spellcheck") -> object:
    return decide_request(batch, pipeline=pipeline, user_id=user_id)


def rejection_reason(decision: object) -> PipelineRejectionReason:
    assert isinstance(decision, Reject), decision
    assert decision.message
    return decision.reason


def test_unknown_batch_is_refused() -> None:
    assert rejection_reason(decide(None)) is R.UNKNOWN_BATCH


def test_someone_elses_batch_is_refused() -> None:
    assert rejection_reason(decide(ready_batch(), user_id="teacher-2")) is R.NOT_OWNER


def test_ownership_is_checked_before_the_batch_state() -> None:
    running = in_status(BatchStatus.PROCESSING_PIPELINES)

    assert rejection_reason(decide(running, user_id="teacher-2")) is R.NOT_OWNER


@pytest.mark.parametrize("reason", [NO_USABLE_ESSAYS, "readiness_timed_out_without_essays"])
def test_a_batch_that_failed_to_become_ready_is_refused(reason: str) -> None:
    decision = decide(in_status(BatchStatus.FAILED, reason))

    assert rejection_reason(decision) is R.BATCH_FAILED
    assert isinstance(decision, Reject) and reason in decision.message


def test_a_running_batch_refuses_another_request() -> None:
    assert rejection_reason(decide(in_status(BatchStatus.PROCESSING_PIPELINES))) is (
        R.ALREADY_RUNNING
    )


@pytest.mark.parametrize("status", [BatchStatus.AWAITING_CONTENT, BatchStatus.READINESS_TIMED_OUT])
def test_a_batch_awaiting_content_keeps_the_request(status: BatchStatus) -> None:
    assert isinstance(decide(in_status(status)), Queue)


def test_the_same_pipeline_already_waiting_is_a_no_op() -> None:
    waiting = with_queued(in_status(BatchStatus.AWAITING_CONTENT))

    assert isinstance(decide(waiting), AlreadyQueued)


def test_another_pipeline_while_one_waits_is_refused() -> None:
    waiting = with_queued(in_status(BatchStatus.AWAITING_CONTENT))

    assert rejection_reason(decide(waiting, pipeline="cj_assessment")) is R.ALREADY_RUNNING


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (BatchStatus.READY_FOR_PIPELINE_EXECUTION, None),
        (BatchStatus.COMPLETED_SUCCESSFULLY, None),
        (BatchStatus.COMPLETED_WITH_FAILURES, None),
        (BatchStatus.FAILED, PIPELINE_RUN_FAILED),
    ],
)
def test_ready_and_finished_batches_start_a_run(status: BatchStatus, reason: str | None) -> None:
    assert isinstance(decide(in_status(status, reason)), Start)


def test_queue_and_drop_a_request() -> None:
    request = queued("cj_assessment")
    batch = make_batch()

    kept = queue_request(batch, request, now=NOW)
    dropped = without_queued_request(kept, now=NOW)

    assert kept.pipeline_state.queued_request == request
    assert kept.pipeline_state.queued_pipeline == "cj_assessment"
    assert dropped.pipeline_state.queued_request is None
    assert batch.pipeline_state.queued_request is None  # the original is unchanged


def test_a_waiting_request_starts_once_the_batch_is_ready() -> None:
    assert isinstance(settle_queued_request(with_queued(ready_batch())), Start)


def test_a_waiting_request_is_refused_when_the_batch_failed() -> None:
    failed = with_queued(in_status(BatchStatus.FAILED, NO_USABLE_ESSAYS))

    assert rejection_reason(settle_queued_request(failed)) is R.BATCH_FAILED


@pytest.mark.parametrize("status", [BatchStatus.AWAITING_CONTENT, BatchStatus.READINESS_TIMED_OUT])
def test_a_waiting_request_keeps_waiting_without_readiness(status: BatchStatus) -> None:
    assert settle_queued_request(with_queued(in_status(status))) is None


def test_nothing_to_settle_without_a_waiting_request() -> None:
    assert settle_queued_request(ready_batch()) is None
