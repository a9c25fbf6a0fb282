"""Pipeline rejections (stored only for the owner) and the JSON documents of the API."""

from __future__ import annotations

import json

from common_core.event_enums import ProcessingEvent
from common_core.events import PipelineRequestRejectedV1
from common_core.notifications import parse_notification
from common_core.status_enums import PipelineRejectionReason
from services.result_aggregator_service.api.views import (
    essay_detail_view,
    status_view,
)
from services.result_aggregator_service.domain.projection import (
    OUT_OF_BAND_SEQ,
    may_concern_owner,
    owner_made_rejection,
    project,
    requester_rejection,
)
from services.result_aggregator_service.tests.ras_events import START, BatchStory
from services.result_aggregator_service.tests.unit.test_projection import USER, replay

R = PipelineRejectionReason


def _rejection(story: BatchStory, user_id: str, reason: R) -> PipelineRequestRejectedV1:
    envelope = story.envelope(
        ProcessingEvent.PIPELINE_REQUEST_REJECTED, user_id=user_id, reason_code=reason
    )
    data: PipelineRequestRejectedV1 = envelope.data
    return data


def test_the_owners_rejection_is_stored_and_numbered() -> None:
    story = BatchStory(batch_id="b-1", user_id=USER)
    view, _ = replay(story.intake())
    rejection = _rejection(story, USER, R.ALREADY_RUNNING)

    assert owner_made_rejection(rejection, view)
    projection = project(view, rejection, START)

    stored = projection.view.last_rejection
    assert stored is not None and (stored.code, stored.pipeline) == (
        "already_running",
        "ai_feedback",
    )
    (notification,) = projection.notifications
    assert notification.event.value == "pipeline_rejected"
    assert notification.data.seq == view.seq + 1


def test_someone_elses_rejection_stays_off_the_batch() -> None:
    story = BatchStory(batch_id="b-2", user_id=USER)
    view, _ = replay(story.intake())

    assert not owner_made_rejection(_rejection(story, "intruder", R.UNKNOWN_PIPELINE), view)
    assert not owner_made_rejection(_rejection(story, USER, R.NOT_OWNER), view)
    assert not owner_made_rejection(_rejection(story, USER, R.ALREADY_RUNNING), None)
    assert not may_concern_owner(_rejection(story, "x", R.UNKNOWN_BATCH))
    assert may_concern_owner(_rejection(story, "x", R.BATCH_FAILED))


def test_the_requesters_notification_is_outside_the_batch_sequence() -> None:
    story = BatchStory(batch_id="b-3", user_id=USER)
    notification = requester_rejection(_rejection(story, "intruder", R.NOT_OWNER), START)

    wire = parse_notification(notification.model_dump_json())
    assert wire.data.seq == OUT_OF_BAND_SEQ
    assert wire.data.model_dump(mode="json")["reason"] == "not_owner"


def test_status_view_has_the_documented_shape() -> None:
    story = BatchStory(batch_id="b-4", user_id=USER)
    view, _ = replay(story.everything())

    document = json.loads(json.dumps(status_view(view)))

    assert document["user_id"] == USER
    assert document["status"] == "completed_with_failures"
    assert document["requested_pipeline"] == "cj_assessment"
    assert document["pipeline_run_id"] == "run-1"
    assert document["current_phase"] is None
    counts = [document[f"{n}_essay_count"] for n in ("expected", "ready", "failed")]
    assert counts == [3, 3, 1]
    assert document["phases"]["cj_assessment"]["successful"] == 2
    assert [e["essay_id"] for e in document["essays"]] == ["e-2", "e-1", "e-3"]
    assert document["essays"][1] == {
        "essay_id": "e-1",
        "file_upload_id": "up-e-1",
        "file_name": "e-1.docx",
        "student_name": "Student e-1",
        "student_email": "anna.svensson@example.org",
        "spellcheck_status": "success",
        "correction_count": 2,
        "cj_rank": 2,
        "cj_score": -0.9,
    }
    assert document["pipeline_result"]["final_status"] == "completed_with_partial_success"
    assert document["rejected_files"][0]["reason"] == "unsupported_file_type"
    assert document["seq"] == view.seq


def test_essay_detail_carries_the_corrections_and_text() -> None:
    story = BatchStory(batch_id="b-5", user_id=USER)
    view, _ = replay(story.everything())
    essay = view.essay_by_id("e-1")
    assert essay is not None

    document = essay_detail_view(view, essay, "The corrected text.", "available")

    assert document["corrected_text"] == "The corrected text."
    assert document["corrections"][1] == {"original": "wrod1", "corrected": "word1", "offset": 10}
    assert (document["user_id"], document["batch_id"]) == (USER, "b-5")
