"""Slot assignment decisions: free slots, hints, repeats and excess."""

from __future__ import annotations

from services.essay_lifecycle_service.domain.slot_assignment import (
    AlreadyPlaced,
    AssignToSlot,
    Excess,
    decide_placement,
)
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile, Slot


def content(file_upload_id: str, hint: str | None = None) -> IncomingFile:
    return IncomingFile(
        batch_id="b1",
        file_upload_id=file_upload_id,
        original_file_name=f"{file_upload_id}.txt",
        outcome=FileOutcome.CONTENT,
        text_storage_id=f"txt-{file_upload_id}",
        essay_id_hint=hint,
    )


def slots(*files: IncomingFile | None) -> list[Slot]:
    return [Slot(f"e{i}", i, file) for i, file in enumerate(files)]


def test_a_file_takes_the_first_free_slot() -> None:
    batch = slots(content("f0"), None, None)
    assert decide_placement(batch, content("f9")) == AssignToSlot("e1")


def test_the_slot_order_is_by_position_not_by_list_order() -> None:
    batch = [Slot("late", 5), Slot("early", 1)]
    assert decide_placement(batch, content("f1")) == AssignToSlot("early")


def test_a_hint_naming_a_free_slot_is_followed() -> None:
    assert decide_placement(slots(None, None, None), content("f1", hint="e2")) == AssignToSlot("e2")


def test_a_hint_naming_a_taken_or_unknown_slot_is_ignored() -> None:
    batch = slots(None, content("f0"))
    assert decide_placement(batch, content("f1", hint="e1")) == AssignToSlot("e0")
    assert decide_placement(batch, content("f1", hint="nope")) == AssignToSlot("e0")


def test_the_same_file_again_is_a_no_op() -> None:
    batch = slots(None, content("f7"), None)
    assert decide_placement(batch, content("f7")) == AlreadyPlaced("e1")


def test_a_decision_needs_only_the_relevant_slots() -> None:
    # The repository hands over the holder or the first two free slots, not the whole batch.
    assert decide_placement([Slot("e7", 7), Slot("e9", 9)], content("f1")) == AssignToSlot("e7")
    held = [Slot("e3", 3, content("f1")), Slot("e7", 7)]
    assert decide_placement(held, content("f1")) == AlreadyPlaced("e3")


def test_a_file_beyond_the_expected_count_is_excess() -> None:
    assert decide_placement(slots(content("f0"), content("f1")), content("f2")) == Excess()


def test_a_failed_file_fills_a_slot_like_content() -> None:
    failed = IncomingFile(
        batch_id="b1",
        file_upload_id="f3",
        original_file_name="scan.png",
        outcome=FileOutcome.FAILED,
        reason_code="unsupported_file_type",
    )
    assert decide_placement(slots(content("f0"), None), failed) == AssignToSlot("e1")
