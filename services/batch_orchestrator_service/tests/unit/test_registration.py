"""BatchRegistrationRequestV1 validation, the new batch and its BatchEssaysRegistered event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from common_core.status_enums import BatchStatus, CourseCode
from services.batch_orchestrator_service.domain.registration import (
    BatchRegistrationRequestV1,
    registered_event,
)

from .factories import CORRELATION_ID, NOW, make_batch, request_body


def error_fields(body: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        BatchRegistrationRequestV1.model_validate(body)
    return {".".join(map(str, error["loc"])) for error in caught.value.errors()}


def test_minimal_valid_request() -> None:
    request = BatchRegistrationRequestV1.model_validate(request_body())

    assert request.expected_essay_count == 3
    assert request.course_code is CourseCode.ENG5
    assert request.essay_ids is None
    assert request.class_designation is None


@pytest.mark.parametrize("count", [0, -1, 501])
def test_expected_essay_count_outside_1_to_500_is_rejected(count: int) -> None:
    assert error_fields(request_body(expected_essay_count=count)) == {"expected_essay_count"}


@pytest.mark.parametrize("count", [1, 500])
def test_expected_essay_count_bounds_are_accepted(count: int) -> None:
    request = BatchRegistrationRequestV1.model_validate(request_body(expected_essay_count=count))
    assert request.expected_essay_count == count


def test_unknown_course_code_is_rejected() -> None:
    assert error_fields(request_body(course_code="MATH1")) == {"course_code"}


@pytest.mark.parametrize("instructions", ["", "   "])
def test_blank_instructions_are_rejected(instructions: str) -> None:
    assert error_fields(request_body(essay_instructions=instructions)) == {"essay_instructions"}


@pytest.mark.parametrize("user_id", ["", "u" * 256])
def test_user_id_must_have_1_to_255_characters(user_id: str) -> None:
    assert error_fields(request_body(user_id=user_id)) == {"user_id"}


def test_missing_required_fields_are_each_reported() -> None:
    fields = error_fields({})
    assert fields == {"expected_essay_count", "course_code", "essay_instructions", "user_id"}


def test_unknown_fields_are_rejected() -> None:
    assert error_fields(request_body(course="ENG5")) == {"course"}


def test_essay_ids_must_be_unique() -> None:
    with pytest.raises(ValidationError, match="unique"):
        BatchRegistrationRequestV1.model_validate(request_body(essay_ids=["a", "a", "b"]))
    assert error_fields(request_body(essay_ids=["a", "a", "b"])) == {"essay_ids"}


def test_essay_ids_must_match_the_expected_count() -> None:
    with pytest.raises(ValidationError, match="exactly expected_essay_count"):
        BatchRegistrationRequestV1.model_validate(request_body(essay_ids=["a", "b"]))
    assert error_fields(request_body(essay_ids=["a", "b"])) == {"essay_ids"}


def test_an_invalid_count_is_reported_once_even_with_essay_ids() -> None:
    body = request_body(expected_essay_count=0, essay_ids=["a"])
    assert error_fields(body) == {"expected_essay_count"}


def test_new_batch_awaits_content_with_generated_essay_ids() -> None:
    batch = make_batch(class_designation="9B")

    assert batch.status is BatchStatus.AWAITING_CONTENT
    assert batch.essay_ids == ("essay-1", "essay-2", "essay-3")
    assert batch.readiness_deadline == NOW + timedelta(hours=24)
    assert batch.context.class_designation == "9B"
    assert batch.correlation_id == CORRELATION_ID
    assert batch.pipeline_state.active_pipeline_run_id is None
    assert batch.accepts_files and not batch.pipeline_running


def test_new_batch_keeps_given_essay_ids_in_order() -> None:
    batch = make_batch(essay_ids=["z", "y", "x"])
    assert batch.essay_ids == ("z", "y", "x")


def test_registered_event_carries_ids_count_owner_and_deadline_only() -> None:
    batch = make_batch()

    event = registered_event(batch)

    assert event.model_dump() == {
        "batch_id": "batch-1",
        "user_id": "teacher-1",
        "expected_essay_count": 3,
        "essay_ids": ["essay-1", "essay-2", "essay-3"],
        "readiness_deadline": NOW + timedelta(hours=24),
    }
