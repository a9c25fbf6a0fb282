"""Outgoing events: contract-valid payloads and deterministic ids."""

from __future__ import annotations

from uuid import uuid4

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import envelope_to_bytes, parse_envelope
from services.essay_lifecycle_service.domain.readiness import (
    FilledSlot,
    ReadinessOutcome,
    TimeoutSummary,
)
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile
from services.essay_lifecycle_service.event_factory import EventFactory

factory = EventFactory("essay_lifecycle_service")
USABLE = IncomingFile(
    batch_id="b1",
    file_upload_id="f1",
    original_file_name="anna.docx",
    outcome=FileOutcome.CONTENT,
    text_storage_id="txt-1",
    student_name="Anna",
    student_email="anna@example.org",
)
FAILED = IncomingFile(
    batch_id="b1",
    file_upload_id="f2",
    original_file_name="scan.png",
    outcome=FileOutcome.FAILED,
    reason_code="unsupported_file_type",
    message="no",
)


def test_batch_essays_ready_round_trips_with_one_id_per_batch() -> None:
    outcome = ReadinessOutcome(
        usable=(FilledSlot("e1", USABLE),), failed=(FilledSlot("e2", FAILED),)
    )
    first = factory.batch_essays_ready("b1", outcome, uuid4())
    again = factory.batch_essays_ready("b1", outcome, uuid4())
    other = factory.batch_essays_ready("b2", outcome, uuid4())
    assert first.event_id == again.event_id != other.event_id
    topic = topic_name(ProcessingEvent.BATCH_ESSAYS_READY)
    parsed = parse_envelope(topic, envelope_to_bytes(first))
    essay = parsed.data.essays[0]
    assert (essay.essay_id, essay.text_storage_id, essay.student_name) == ("e1", "txt-1", "Anna")
    assert parsed.data.failed_files[0].reason_code == "unsupported_file_type"
    assert parsed.source_service == "essay_lifecycle_service"


def test_a_batch_without_usable_essays_is_announced_with_its_failed_files() -> None:
    outcome = ReadinessOutcome(usable=(), failed=(FilledSlot("e2", FAILED),))
    envelope = factory.batch_essays_ready("b1", outcome, uuid4())
    assert envelope.data.essays == []
    assert [f.file_upload_id for f in envelope.data.failed_files] == ["f2"]


def test_timeout_and_excess_events_have_deterministic_ids() -> None:
    summary = TimeoutSummary(missing_essay_ids=("e3",), ready_essay_count=2)
    timeout = factory.readiness_timeout("b1", summary, uuid4())
    assert timeout.event_id == factory.readiness_timeout("b1", summary, uuid4()).event_id
    assert timeout.data.missing_essay_ids == ["e3"]
    excess = factory.excess_content(USABLE, uuid4())
    assert excess.event_id == factory.excess_content(USABLE, uuid4()).event_id
    assert excess.data.text_storage_id == "txt-1"
