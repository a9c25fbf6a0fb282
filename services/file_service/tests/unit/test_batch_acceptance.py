"""Reading BOS's pipeline-state answer: may this user add files to this batch?"""

from __future__ import annotations

from typing import Any

import pytest

from services.file_service.domain.batch_acceptance import Acceptance, assess_batch

USER = "teacher-1"


def bos_answer(
    *,
    user_id: str = USER,
    batch_status: str = "awaiting_content",
    **pipeline: Any,
) -> dict[str, Any]:
    state = {
        "batch_status": batch_status,
        "pipeline_running": False,
        "accepts_files": True,
        "active_pipeline_run_id": None,
        "queued_pipeline": None,
        "completed_phases": [],
    }
    state.update(pipeline)
    return {
        "batch_id": "b-1",
        "user_id": user_id,
        "batch_status": batch_status,
        "pipeline_state": state,
    }


def test_own_batch_awaiting_content_accepts_files() -> None:
    verdict = assess_batch(bos_answer(), USER)

    assert verdict.acceptance is Acceptance.ACCEPTS_FILES
    assert verdict.batch_status == "awaiting_content"


def test_unknown_batch_is_not_found() -> None:
    assert assess_batch(None, USER).acceptance is Acceptance.NOT_FOUND


def test_another_users_batch_is_not_found() -> None:
    assert assess_batch(bos_answer(user_id="someone-else"), USER).acceptance is Acceptance.NOT_FOUND


@pytest.mark.parametrize(
    "answer",
    [
        bos_answer(batch_status="processing_pipelines", pipeline_running=True, accepts_files=False),
        bos_answer(pipeline_running=True),
        bos_answer(active_pipeline_run_id="run-7"),
    ],
)
def test_a_running_pipeline_is_reported_as_running(answer: dict[str, Any]) -> None:
    verdict = assess_batch(answer, USER)

    assert verdict.acceptance is Acceptance.PIPELINE_RUNNING


def test_a_batch_bos_closed_for_files_is_closed() -> None:
    answer = bos_answer(batch_status="completed_successfully", accepts_files=False)

    verdict = assess_batch(answer, USER)

    assert verdict.acceptance is Acceptance.CLOSED
    assert verdict.batch_status == "completed_successfully"


@pytest.mark.parametrize("status", ["ready_for_pipeline_execution", "readiness_timed_out"])
def test_ready_or_timed_out_batches_still_accept_files(status: str) -> None:
    verdict = assess_batch(bos_answer(batch_status=status), USER)

    assert verdict.acceptance is Acceptance.ACCEPTS_FILES


def test_a_queued_pipeline_does_not_block_uploads() -> None:
    answer = bos_answer(queued_pipeline="spellcheck")

    assert assess_batch(answer, USER).acceptance is Acceptance.ACCEPTS_FILES
