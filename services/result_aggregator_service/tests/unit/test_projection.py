"""The projection of a batch's whole life: view, client status and numbered notifications."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from common_core.event_enums import ProcessingEvent
from common_core.events.envelope import EventEnvelope
from common_core.notifications import UserNotification
from common_core.status_enums import BatchClientStatus, PhaseName
from common_core.testing.examples import example_event
from services.result_aggregator_service.domain.derived import (
    client_status,
    current_phase,
    current_run,
    phases_summary,
)
from services.result_aggregator_service.domain.projection import (
    UnsupportedEventError,
    project,
)
from services.result_aggregator_service.domain.view import BatchView, new_batch_view
from services.result_aggregator_service.tests.ras_events import (
    EXPECTED_NOTIFICATIONS,
    START,
    BatchStory,
)

USER = "teacher-1"


def replay(
    envelopes: Sequence[EventEnvelope[Any]], view: BatchView | None = None
) -> tuple[BatchView, list[UserNotification]]:
    notifications: list[UserNotification] = []
    for envelope in envelopes:
        if view is None:
            view = new_batch_view(envelope.data.batch_id, USER, envelope.event_timestamp)
        projection = project(view, envelope.data, envelope.event_timestamp)
        view = projection.view
        notifications.extend(projection.notifications)
    assert view is not None
    return view, notifications


@pytest.fixture
def story() -> BatchStory:
    return BatchStory(batch_id="batch-1", user_id=USER)


def test_whole_life_gives_every_notification_in_order_with_seq_from_one(
    story: BatchStory,
) -> None:
    view, notifications = replay(story.everything())

    assert [n.event.value for n in notifications] == EXPECTED_NOTIFICATIONS
    assert [n.data.seq for n in notifications] == list(range(1, len(EXPECTED_NOTIFICATIONS) + 1))
    assert {n.data.batch_id for n in notifications} == {"batch-1"}
    assert view.seq == len(EXPECTED_NOTIFICATIONS)


def test_whole_life_gives_the_final_view(story: BatchStory) -> None:
    view, notifications = replay(story.everything())

    assert client_status(view) is BatchClientStatus.COMPLETED_WITH_FAILURES
    e1, e2, e3 = (view.essay_by_id(eid) for eid in story.essay_ids)
    assert e1 and e2 and e3
    assert (e2.cj_rank, e2.cj_score, e1.cj_rank) == (1, 0.9, 2)
    assert (e1.correction_count, len(e1.corrections), e1.file_name) == (2, 2, "e-1.docx")
    assert e3.spellcheck_status == "failed" and e3.cj_rank is None
    assert len(view.essays) == 3  # the file rows became the essay rows
    assert [f.file_upload_id for f in view.rejected_files] == ["up-bad"]
    assert phases_summary(current_run(view)) == {
        "spellcheck": {
            "status": "completed_with_partial_success",
            "total": 3,
            "successful": 2,
            "failed": 1,
        },
        "cj_assessment": {
            "status": "completed_successfully",
            "total": 2,
            "successful": 2,
            "failed": 0,
        },
    }
    completed = notifications[-1].data.model_dump(mode="json")
    assert completed["status"] == "completed_with_failures"
    assert (completed["successful"], completed["failed"]) == (2, 1)


def test_status_and_phase_follow_the_run(story: BatchStory) -> None:
    intake, pipeline = story.intake(), story.pipeline()
    view, _ = replay(intake[:2])
    assert client_status(view) is BatchClientStatus.PENDING_CONTENT
    view, _ = replay(intake[2:], view)
    assert client_status(view) is BatchClientStatus.READY
    view, _ = replay(pipeline[:2], view)
    assert client_status(view) is BatchClientStatus.PROCESSING
    assert current_phase(current_run(view)) is PhaseName.SPELLCHECK
    view, _ = replay(pipeline[2:4], view)
    spellcheck = current_run(view).phases[PhaseName.SPELLCHECK]  # type: ignore[union-attr]
    assert (spellcheck.status, spellcheck.successful) == ("in_progress", 2)
    view, _ = replay(pipeline[4:6], view)
    assert current_phase(current_run(view)) is PhaseName.CJ_ASSESSMENT


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_any_order_of_the_same_events_gives_the_same_view(story: BatchStory, seed: int) -> None:
    events = story.everything()
    in_order, _ = replay(events)
    shuffled = events[1:]
    random.Random(seed).shuffle(shuffled)

    view, notifications = replay([events[0], *shuffled])

    assert _comparable(view) == _comparable(in_order)
    assert len(notifications) == len(EXPECTED_NOTIFICATIONS)


def test_project_leaves_the_given_view_unchanged(story: BatchStory) -> None:
    view, _ = replay(story.intake())
    before = view.model_dump()

    project(view, story.pipeline()[0].data, START)

    assert view.model_dump() == before


def test_a_result_before_readiness_is_merged_with_its_file(story: BatchStory) -> None:
    registered, content, *_ = story.intake()
    result = story.spellcheck("e-1", corrections=1)
    view, _ = replay([registered, content, result])
    assert {e.key for e in view.essays} == {"upload:up-e-1", "e-1"}

    view, _ = replay([story.ready()], view)

    essay = view.essay_by_id("e-1")
    assert essay is not None and essay.file_upload_id == "up-e-1"
    assert (essay.correction_count, essay.student_name) == (1, "Student e-1")
    assert view.essay_by_upload("up-e-1") is essay
    assert essay.created_at == content.event_timestamp
    assert len([e for e in view.essays if e.file_upload_id == "up-e-1"]) == 1


def test_a_ready_batch_without_usable_essays_has_failed(story: BatchStory) -> None:
    registered = story.intake()[0]
    ready = story.envelope(
        ProcessingEvent.BATCH_ESSAYS_READY,
        essays=[],
        failed_files=[
            {"file_upload_id": "u", "original_file_name": "x.png", "reason_code": "empty_content"}
        ],
    )
    view, notifications = replay([registered, ready])

    assert client_status(view) is BatchClientStatus.FAILED
    assert view.last_error is not None and view.last_error.code == "no_usable_essays"
    assert notifications[-1].data.model_dump()["essay_count"] == 0


@pytest.mark.parametrize(
    ("ready_count", "status"),
    [(2, BatchClientStatus.READY), (0, BatchClientStatus.FAILED)],
)
def test_a_readiness_timeout(story: BatchStory, ready_count: int, status: str) -> None:
    timeout = story.envelope(
        ProcessingEvent.BATCH_READINESS_TIMEOUT,
        missing_essay_ids=["e-3"],
        ready_essay_count=ready_count,
    )
    view, notifications = replay([story.intake()[0], timeout])

    assert client_status(view) == status
    assert notifications[-1].event.value == "batch_readiness_timeout"
    assert notifications[-1].data.model_dump()["missing"] == 1


def test_a_second_copy_of_a_once_only_event_notifies_nothing(story: BatchStory) -> None:
    view, _ = replay(story.intake())

    view, notifications = replay([story.ready(), story.intake()[0]], view)

    assert notifications == []


def test_a_failed_cj_phase_and_run(story: BatchStory) -> None:
    view, _ = replay([*story.intake(), *story.pipeline()[:7]])
    failed = story.envelope(
        ProcessingEvent.CJ_ASSESSMENT_FAILED,
        pipeline_run_id=story.run_id,
        reason="judge_unavailable",
        message="The judge did not answer.",
    )
    completed = story.envelope(
        ProcessingEvent.BATCH_PIPELINE_COMPLETED,
        pipeline_run_id=story.run_id,
        final_status="failed",
        phase_results=[],
        successful_essay_count=0,
        failed_essay_count=3,
    )

    view, notifications = replay([failed], view)
    cj = current_run(view).phases[PhaseName.CJ_ASSESSMENT]  # type: ignore[union-attr]
    assert (cj.status, cj.failed) == ("failed", 2)
    assert view.last_error is not None and view.last_error.code == "judge_unavailable"
    assert notifications == []

    view, notifications = replay([completed], view)
    assert client_status(view) is BatchClientStatus.FAILED
    assert view.last_error is not None and view.last_error.code == "pipeline_failed"
    assert notifications[0].data.model_dump()["status"] == "failed"


def test_a_run_with_every_phase_pruned_completes_at_once(story: BatchStory) -> None:
    view, _ = replay([*story.everything()])
    rerun = BatchStory(batch_id=story.batch_id, user_id=USER, run_id="run-2")
    rerun._tick = 100
    started = rerun.envelope(
        ProcessingEvent.BATCH_PIPELINE_STARTED,
        pipeline_run_id="run-2",
        requested_pipeline="spellcheck",
        phases=[],
        pruned_phases=["spellcheck"],
    )
    view, _ = replay([started], view)
    assert client_status(view) is BatchClientStatus.PROCESSING
    assert phases_summary(current_run(view))["spellcheck"]["status"] == "skipped_pruned"

    completed = rerun.envelope(
        ProcessingEvent.BATCH_PIPELINE_COMPLETED,
        pipeline_run_id="run-2",
        final_status="completed_successfully",
        phase_results=[],
        successful_essay_count=3,
        failed_essay_count=0,
    )
    view, _ = replay([completed], view)

    assert client_status(view) is BatchClientStatus.COMPLETED_SUCCESSFULLY
    run = current_run(view)
    assert run is not None and run.pipeline_run_id == "run-2"


def test_a_payload_ras_does_not_consume_is_refused() -> None:
    view = new_batch_view("b", USER, START)
    command = example_event(ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST)

    with pytest.raises(UnsupportedEventError):
        project(view, command, START)


def _comparable(view: BatchView) -> dict[str, Any]:
    dumped = view.model_dump(mode="json")
    dumped["essays"] = sorted(dumped["essays"], key=lambda e: e["essay_id"] or "")
    return dumped
