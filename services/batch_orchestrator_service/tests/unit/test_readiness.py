"""Status transitions on BatchEssaysReady and BatchReadinessTimeout."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from common_core.events.batch_coordination import FailedFile, ReadyEssay
from common_core.status_enums import BatchStatus
from services.batch_orchestrator_service.domain.batch import Batch
from services.batch_orchestrator_service.domain.readiness import (
    NO_USABLE_ESSAYS,
    READINESS_TIMED_OUT_WITHOUT_ESSAYS,
    apply_essays_ready,
    apply_readiness_timeout,
)

from .factories import NOW, make_batch

LATER = NOW + timedelta(minutes=5)


def essay(essay_id: str) -> ReadyEssay:
    return ReadyEssay(
        essay_id=essay_id,
        file_upload_id=f"upload-{essay_id}",
        original_file_name=f"{essay_id}.txt",
        text_storage_id=f"text-{essay_id}",
        student_name="Ann Andersson",
    )


FAILED = FailedFile(
    file_upload_id="upload-bad", original_file_name="bad.exe", reason_code="unsupported_type"
)


def in_status(status: BatchStatus) -> Batch:
    return dataclasses.replace(make_batch(), status=status)


def test_ready_stores_essays_and_failed_files() -> None:
    batch = make_batch()

    result = apply_essays_ready(batch, [essay("essay-1"), essay("essay-2")], [FAILED], now=LATER)

    assert result.changed
    ready = result.batch
    assert ready.status is BatchStatus.READY_FOR_PIPELINE_EXECUTION
    assert [e.text_storage_id for e in ready.essays] == ["text-essay-1", "text-essay-2"]
    assert ready.failed_files == (FAILED,)
    assert ready.ready_essay_count == 2
    assert ready.updated_at == LATER
    assert ready.accepts_files


def test_ready_without_usable_essays_fails_the_batch() -> None:
    result = apply_essays_ready(make_batch(), [], [FAILED], now=LATER)

    assert result.changed
    assert result.batch.status is BatchStatus.FAILED
    assert result.batch.status_reason == NO_USABLE_ESSAYS
    assert result.batch.failed_files == (FAILED,)


def test_ready_after_a_timeout_makes_the_batch_ready() -> None:
    timed_out = apply_readiness_timeout(make_batch(), ["essay-3"], 2, now=LATER).batch

    result = apply_essays_ready(timed_out, [essay("essay-1"), essay("essay-2")], [], now=LATER)

    assert result.batch.status is BatchStatus.READY_FOR_PIPELINE_EXECUTION
    assert result.batch.missing_essay_ids == ()


@pytest.mark.parametrize(
    "status",
    [
        BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        BatchStatus.PROCESSING_PIPELINES,
        BatchStatus.COMPLETED_SUCCESSFULLY,
        BatchStatus.COMPLETED_WITH_FAILURES,
        BatchStatus.FAILED,
    ],
)
def test_ready_for_a_batch_past_readiness_changes_nothing(status: BatchStatus) -> None:
    batch = in_status(status)

    result = apply_essays_ready(batch, [essay("essay-1")], [], now=LATER)

    assert not result.changed
    assert result.batch is batch
    assert status.value in result.note


def test_timeout_keeps_missing_essays_and_the_arrived_count() -> None:
    result = apply_readiness_timeout(make_batch(), ["essay-2", "essay-3"], 1, now=LATER)

    assert result.changed
    timed_out = result.batch
    assert timed_out.status is BatchStatus.READINESS_TIMED_OUT
    assert timed_out.missing_essay_ids == ("essay-2", "essay-3")
    assert timed_out.ready_essay_count == 1
    assert timed_out.status_reason is None


def test_timeout_with_no_arrived_essay_fails_the_batch() -> None:
    result = apply_readiness_timeout(make_batch(), ["essay-1", "essay-2", "essay-3"], 0, now=LATER)

    assert result.batch.status is BatchStatus.FAILED
    assert result.batch.status_reason == READINESS_TIMED_OUT_WITHOUT_ESSAYS


@pytest.mark.parametrize(
    "status",
    [
        BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        BatchStatus.READINESS_TIMED_OUT,
        BatchStatus.PROCESSING_PIPELINES,
        BatchStatus.FAILED,
    ],
)
def test_timeout_after_awaiting_content_changes_nothing(status: BatchStatus) -> None:
    batch = in_status(status)

    result = apply_readiness_timeout(batch, ["essay-1"], 2, now=LATER)

    assert not result.changed
    assert result.batch is batch


def test_files_are_refused_once_a_pipeline_runs_or_the_batch_failed() -> None:
    assert not in_status(BatchStatus.PROCESSING_PIPELINES).accepts_files
    assert in_status(BatchStatus.PROCESSING_PIPELINES).pipeline_running
    assert not in_status(BatchStatus.FAILED).accepts_files
    assert in_status(BatchStatus.READINESS_TIMED_OUT).accepts_files
