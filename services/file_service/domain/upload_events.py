"""The event announcing one examined upload: EssayContentReady or EssayValidationFailed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events import EssayContentReady, EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id
from services.file_service.domain.uploads import FileUpload

SOURCE_SERVICE = "file_service"


def _content_ready(upload: FileUpload) -> EssayContentReady:
    if upload.text_storage_id is None:
        raise ValueError(f"accepted upload {upload.file_upload_id} has no stored text")
    student = upload.student
    return EssayContentReady(
        batch_id=upload.batch_id,
        file_upload_id=upload.file_upload_id,
        original_file_name=upload.file_name,
        text_storage_id=upload.text_storage_id,
        student_name=student.name if student else None,
        student_email=student.email if student else None,
        name_confidence=student.name_confidence if student else 0.0,
    )


def _validation_failed(upload: FileUpload) -> EssayValidationFailed:
    if upload.reason is None:
        raise ValueError(f"upload {upload.file_upload_id} was not rejected")
    return EssayValidationFailed(
        batch_id=upload.batch_id,
        file_upload_id=upload.file_upload_id,
        original_file_name=upload.file_name,
        reason_code=upload.reason.value,
        message=upload.message or upload.reason.value,
    )


def upload_event(upload: FileUpload, correlation_id: UUID) -> EventEnvelope[Any]:
    """The envelope for ``upload``; its event id is derived from the upload, so a re-sent
    event is recognised by consumers as the same one."""
    event = (
        ProcessingEvent.ESSAY_CONTENT_READY
        if upload.accepted
        else ProcessingEvent.ESSAY_VALIDATION_FAILED
    )
    data = _content_ready(upload) if upload.accepted else _validation_failed(upload)
    return build_envelope(
        event,
        data,
        source_service=SOURCE_SERVICE,
        correlation_id=correlation_id,
        event_id=deterministic_event_id(
            event, batch_id=upload.batch_id, essay_id=upload.file_upload_id
        ),
    )
