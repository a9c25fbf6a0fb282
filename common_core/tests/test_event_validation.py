"""Event payloads reject invalid data: empty ids, negative counts, naive times, bad enums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from common_core import events as ev
from common_core.event_enums import ProcessingEvent
from common_core.event_registry import model_for_event
from common_core.status_enums import OutcomeStatus, PipelineExecutionStatus
from common_core.testing.examples import example_event

E = ProcessingEvent


def _invalid(event: ProcessingEvent, **changes: Any) -> None:
    data = example_event(event).model_dump() | changes
    with pytest.raises(ValidationError):
        model_for_event(event).model_validate(data)


@pytest.mark.parametrize("bad_id", ["", "   ", " padded", "x" * 256])
@pytest.mark.parametrize(
    ("event", "field"),
    [
        (E.BATCH_ESSAYS_REGISTERED, "batch_id"),
        (E.BATCH_ESSAYS_REGISTERED, "user_id"),
        (E.ESSAY_CONTENT_READY, "text_storage_id"),
        (E.BATCH_PHASE_STARTED, "pipeline_run_id"),
        (E.SPELLCHECK_RESULT, "essay_id"),
    ],
)
def test_ids_must_be_non_empty_and_trimmed(event: ProcessingEvent, field: str, bad_id: str) -> None:
    _invalid(event, **{field: bad_id})


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (E.BATCH_PHASE_STARTED, "essay_count"),
        (E.BATCH_READINESS_TIMEOUT, "ready_essay_count"),
        (E.CJ_ASSESSMENT_COMPLETED, "comparison_count"),
        (E.SPELLCHECK_RESULT, "correction_count"),
        (E.BATCH_PIPELINE_COMPLETED, "failed_essay_count"),
    ],
)
def test_counts_must_not_be_negative(event: ProcessingEvent, field: str) -> None:
    _invalid(event, **{field: -1})
    valid = model_for_event(event).model_validate(example_event(event).model_dump() | {field: 0})
    assert getattr(valid, field) == 0


@pytest.mark.parametrize(
    ("event", "field", "value"),
    [
        (E.BATCH_PHASE_STARTED, "phase", "grammar"),
        (E.SPELLCHECK_RESULT, "language", "de"),
        (E.SPELLCHECK_RESULT, "status", "ok"),
        (E.PIPELINE_REQUEST_REJECTED, "reason_code", "because"),
        (E.ELS_BATCH_PHASE_OUTCOME, "phase_status", "done"),
    ],
)
def test_enum_fields_reject_unknown_values(event: ProcessingEvent, field: str, value: str) -> None:
    _invalid(event, **{field: value})


def test_naive_datetime_is_rejected() -> None:
    _invalid(E.BATCH_ESSAYS_REGISTERED, readiness_deadline=datetime(2025, 1, 1, 12, 0))


def test_aware_datetime_is_normalised_to_utc() -> None:
    cet = timezone(timedelta(hours=1))
    event = example_event(
        E.BATCH_ESSAYS_REGISTERED, readiness_deadline=datetime(2025, 1, 1, 13, 0, tzinfo=cet)
    )
    assert isinstance(event, ev.BatchEssaysRegistered)
    assert event.readiness_deadline == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert event.readiness_deadline.utcoffset() == timedelta(0)


def test_registered_essay_ids_must_match_expected_count_and_be_unique() -> None:
    _invalid(E.BATCH_ESSAYS_REGISTERED, essay_ids=["e1", "e2"], expected_essay_count=3)
    _invalid(E.BATCH_ESSAYS_REGISTERED, essay_ids=["e1", "e1"], expected_essay_count=2)
    _invalid(E.BATCH_ESSAYS_REGISTERED, essay_ids=[], expected_essay_count=0)


def test_ready_batch_needs_unique_essays_and_something_to_report() -> None:
    _invalid(E.BATCH_ESSAYS_READY, essays=[], failed_files=[])
    essay = example_event(E.BATCH_ESSAYS_READY).model_dump()["essays"][0]
    _invalid(E.BATCH_ESSAYS_READY, essays=[essay, essay])


def test_name_confidence_is_a_probability() -> None:
    _invalid(E.ESSAY_CONTENT_READY, name_confidence=1.5)
    _invalid(E.ESSAY_CONTENT_READY, name_confidence=-0.1)


def test_spellcheck_result_fields_must_match_status() -> None:
    _invalid(E.SPELLCHECK_RESULT, corrected_text_storage_id=None)
    _invalid(E.SPELLCHECK_RESULT, status=OutcomeStatus.FAILED, error=None)
    failed = example_event(
        E.SPELLCHECK_RESULT,
        status=OutcomeStatus.FAILED,
        corrected_text_storage_id=None,
        corrections=[],
        correction_count=0,
        error="content service unavailable",
    )
    assert isinstance(failed, ev.SpellcheckResultDataV1)
    assert failed.status is OutcomeStatus.FAILED


@pytest.mark.parametrize(
    "status",
    [
        PipelineExecutionStatus.IN_PROGRESS,
        PipelineExecutionStatus.REQUESTED,
        PipelineExecutionStatus.SKIPPED_PRUNED,
    ],
)
def test_outcomes_need_a_finished_status(status: PipelineExecutionStatus) -> None:
    _invalid(E.ELS_BATCH_PHASE_OUTCOME, phase_status=status)
    _invalid(E.BATCH_PIPELINE_COMPLETED, final_status=status)


def test_pipeline_started_phases_are_distinct() -> None:
    _invalid(E.BATCH_PIPELINE_STARTED, phases=["spellcheck", "spellcheck"])
    _invalid(E.BATCH_PIPELINE_STARTED, phases=["spellcheck"], pruned_phases=["spellcheck"])
    all_pruned = example_event(
        E.BATCH_PIPELINE_STARTED, phases=[], pruned_phases=["spellcheck", "cj_assessment"]
    )
    assert isinstance(all_pruned, ev.BatchPipelineStartedV1)
    assert all_pruned.phases == []


def test_cj_rankings_are_one_per_essay_with_positive_ranks() -> None:
    ranking = {"essay_id": "e1", "rank": 1, "score": 0.5}
    _invalid(E.CJ_ASSESSMENT_COMPLETED, rankings=[ranking, ranking])
    _invalid(E.CJ_ASSESSMENT_COMPLETED, rankings=[ranking | {"rank": 0}])


def test_missing_required_field_is_rejected() -> None:
    data = example_event(E.CJ_ASSESSMENT_FAILED).model_dump()
    del data["reason"]
    with pytest.raises(ValidationError, match="reason"):
        ev.CJAssessmentFailedV1.model_validate(data)


def test_event_payloads_are_immutable() -> None:
    event = example_event(E.BATCH_PHASE_STARTED)
    assert isinstance(event, ev.BatchPhaseStartedV1)
    with pytest.raises(ValidationError):
        event.batch_id = "other"  # type: ignore[misc]


def test_ready_batch_without_usable_essays_lists_its_failed_files() -> None:
    failed = example_event(E.BATCH_ESSAYS_READY).model_dump()["failed_files"]
    event = example_event(E.BATCH_ESSAYS_READY, essays=[], failed_files=failed)
    assert isinstance(event, ev.BatchEssaysReady)
    assert event.essays == []
    assert len(event.failed_files) == len(failed) > 0
