"""The event each examined upload produces."""

from __future__ import annotations

from uuid import uuid4

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import parse_envelope
from common_core.events import EssayContentReady, EssayValidationFailed
from services.file_service.domain.rejection import RejectionReason
from services.file_service.domain.student_info import NameSource, StudentInfo
from services.file_service.domain.upload_events import upload_event
from services.file_service.domain.uploads import FileUpload

ACCEPTED = FileUpload(
    file_upload_id="11111111-1111-1111-1111-111111111111",
    batch_id="batch-1",
    user_id="teacher-1",
    file_name="Svensson_Anna.docx",
    file_sha256="ab" * 32,
    size_bytes=1234,
    text_storage_id="cd" * 32,
    student=StudentInfo("Anna Svensson", "anna@skolan.se", NameSource.HEADER),
)
REJECTED = FileUpload(
    file_upload_id="22222222-2222-2222-2222-222222222222",
    batch_id="batch-1",
    user_id="teacher-1",
    file_name="scan.png",
    file_sha256="ef" * 32,
    size_bytes=99,
    reason=RejectionReason.UNSUPPORTED_FILE_TYPE,
    message="Files of type '.png' cannot be read.",
)


def test_accepted_upload_gives_content_ready_with_student_details() -> None:
    correlation_id = uuid4()

    envelope = upload_event(ACCEPTED, correlation_id)

    assert envelope.event_type == topic_name(ProcessingEvent.ESSAY_CONTENT_READY)
    assert envelope.correlation_id == correlation_id
    assert envelope.source_service == "file_service"
    data = envelope.data
    assert isinstance(data, EssayContentReady)
    assert (data.batch_id, data.file_upload_id) == ("batch-1", ACCEPTED.file_upload_id)
    assert data.original_file_name == "Svensson_Anna.docx"
    assert data.text_storage_id == "cd" * 32
    assert (data.student_name, data.student_email) == ("Anna Svensson", "anna@skolan.se")
    assert data.name_confidence == 0.9
    assert data.essay_id is None


def test_rejected_upload_gives_validation_failed_with_reason() -> None:
    envelope = upload_event(REJECTED, uuid4())

    assert envelope.event_type == topic_name(ProcessingEvent.ESSAY_VALIDATION_FAILED)
    data = envelope.data
    assert isinstance(data, EssayValidationFailed)
    assert data.reason_code == "unsupported_file_type"
    assert data.message == REJECTED.message
    assert data.original_file_name == "scan.png"


def test_event_id_depends_on_the_upload_only() -> None:
    first = upload_event(ACCEPTED, uuid4())
    again = upload_event(ACCEPTED, uuid4())
    other = upload_event(REJECTED, uuid4())

    assert first.event_id == again.event_id
    assert first.event_id != other.event_id


def test_events_parse_back_on_their_topic() -> None:
    for upload in (ACCEPTED, REJECTED):
        envelope = upload_event(upload, uuid4())
        parsed = parse_envelope(envelope.event_type, envelope.model_dump_json())
        assert parsed.data == envelope.data
