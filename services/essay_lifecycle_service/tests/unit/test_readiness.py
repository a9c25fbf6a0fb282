"""Readiness of a batch and the summary of a timed-out one."""

from __future__ import annotations

import pytest

from services.essay_lifecycle_service.domain.readiness import (
    evaluate_readiness,
    summarise_timeout,
)
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile, Slot


def usable(file_upload_id: str) -> IncomingFile:
    return IncomingFile(
        batch_id="b1",
        file_upload_id=file_upload_id,
        original_file_name="essay.txt",
        outcome=FileOutcome.CONTENT,
        text_storage_id=f"txt-{file_upload_id}",
    )


def failed(file_upload_id: str) -> IncomingFile:
    return IncomingFile(
        batch_id="b1",
        file_upload_id=file_upload_id,
        original_file_name="scan.png",
        outcome=FileOutcome.FAILED,
        reason_code="unsupported_file_type",
    )


def test_a_batch_with_a_free_slot_is_not_ready() -> None:
    assert evaluate_readiness([Slot("e0", 0, usable("f0")), Slot("e1", 1)]) is None
    assert evaluate_readiness([]) is None


def test_a_full_batch_lists_usable_essays_and_failed_files_in_slot_order() -> None:
    slots = [Slot("e2", 2, usable("f2")), Slot("e0", 0, usable("f0")), Slot("e1", 1, failed("x"))]
    outcome = evaluate_readiness(slots)
    assert outcome is not None
    assert [f.essay_id for f in outcome.usable] == ["e0", "e2"]
    assert [f.file.file_upload_id for f in outcome.failed] == ["x"]
    assert not outcome.batch_failed


def test_a_full_batch_without_usable_essays_has_failed() -> None:
    outcome = evaluate_readiness([Slot("e0", 0, failed("x")), Slot("e1", 1, failed("y"))])
    assert outcome is not None
    assert outcome.usable == ()
    assert outcome.batch_failed


def test_timeout_summary_lists_missing_slots_and_counts_usable_ones() -> None:
    slots = [Slot("e0", 0, usable("f0")), Slot("e1", 1), Slot("e2", 2, failed("x")), Slot("e3", 3)]
    summary = summarise_timeout(slots)
    assert summary is not None
    assert summary.missing_essay_ids == ("e1", "e3")
    assert summary.ready_essay_count == 1


def test_a_complete_batch_has_nothing_to_time_out() -> None:
    assert summarise_timeout([Slot("e0", 0, usable("f0"))]) is None


def test_incoming_files_must_carry_what_their_outcome_needs() -> None:
    with pytest.raises(ValueError, match="text_storage_id"):
        IncomingFile("b", "f", "a.txt", FileOutcome.CONTENT)
    with pytest.raises(ValueError, match="reason_code"):
        IncomingFile("b", "f", "a.txt", FileOutcome.FAILED)
