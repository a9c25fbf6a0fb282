"""Projections of the intake events: registration, uploads, readiness.

Each function changes the working copy of a view it is given and returns the notifications
the change calls for. Uploaded files are kept by `file_upload_id` until ELS's BatchEssaysReady
names the essay id each file became; then the file row and the essay row are one.
"""

from __future__ import annotations

from datetime import datetime

from common_core.events.batch_coordination import (
    BatchEssaysReady,
    BatchEssaysRegistered,
    BatchReadinessTimeout,
    EssayContentReady,
    EssayValidationFailed,
    ExcessContentProvisionedV1,
    ReadyEssay,
)
from common_core.notifications import NotificationName as N

from .notices import Notice
from .view import (
    BatchView,
    ErrorNote,
    EssayView,
    FileNote,
    add_file_note,
    set_latest_error,
)

EXCESS_CONTENT = "excess_content"
NO_USABLE_ESSAYS = "no_usable_essays"
READINESS_TIMED_OUT = "readiness_timed_out"


def on_registered(view: BatchView, data: BatchEssaysRegistered, at: datetime) -> list[Notice]:
    if view.registered:
        return []
    view.registered = True
    view.user_id = data.user_id
    view.expected_essay_count = data.expected_essay_count
    view.essay_ids = list(data.essay_ids)
    view.readiness_deadline = data.readiness_deadline
    return [Notice(N.BATCH_REGISTERED)]


def on_content_ready(view: BatchView, data: EssayContentReady, at: datetime) -> list[Notice]:
    essay = view.essay_by_upload(data.file_upload_id)
    if essay is None:
        essay = EssayView(file_upload_id=data.file_upload_id, created_at=at, updated_at=at)
        view.essays.append(essay)
    essay.touch(at)
    essay.file_name = essay.file_name or data.original_file_name
    essay.text_storage_id = essay.text_storage_id or data.text_storage_id
    if essay.student_name is None:
        essay.student_name = data.student_name
    if essay.student_email is None:
        essay.student_email = data.student_email
    fields = {"file_name": data.original_file_name, "student_name": data.student_name}
    return [Notice(N.FILE_ACCEPTED, fields)]


def on_validation_failed(
    view: BatchView, data: EssayValidationFailed, at: datetime
) -> list[Notice]:
    note = FileNote(
        file_upload_id=data.file_upload_id,
        file_name=data.original_file_name,
        reason=data.reason_code,
        at=at,
    )
    view.rejected_files = add_file_note(view.rejected_files, note)
    fields = {"file_name": data.original_file_name, "reason": data.reason_code}
    return [Notice(N.FILE_REJECTED, fields)]


def on_excess_content(
    view: BatchView, data: ExcessContentProvisionedV1, at: datetime
) -> list[Notice]:
    note = FileNote(
        file_upload_id=data.file_upload_id,
        file_name=data.original_file_name,
        reason=EXCESS_CONTENT,
        at=at,
    )
    view.excess_files = add_file_note(view.excess_files, note)
    fields = {"file_name": data.original_file_name, "reason": EXCESS_CONTENT}
    return [Notice(N.FILE_REJECTED, fields)]


def on_essays_ready(view: BatchView, data: BatchEssaysReady, at: datetime) -> list[Notice]:
    for ready in data.essays:
        _attach(view, ready, at)
    for failed in data.failed_files:
        note = FileNote(
            file_upload_id=failed.file_upload_id,
            file_name=failed.original_file_name,
            reason=failed.reason_code,
            at=at,
        )
        view.rejected_files = add_file_note(view.rejected_files, note)
    if view.ready_seen:
        return []
    view.ready_seen = True
    view.ready_essay_count = len(data.essays)
    if not data.essays:
        message = "No uploaded file could be used as an essay."
        set_latest_error(view, ErrorNote(code=NO_USABLE_ESSAYS, message=message, at=at))
    return [Notice(N.BATCH_READY, {"essay_count": len(data.essays)})]


def on_readiness_timeout(
    view: BatchView, data: BatchReadinessTimeout, at: datetime
) -> list[Notice]:
    if view.timed_out:
        return []
    view.timed_out = True
    view.missing_essay_count = len(data.missing_essay_ids)
    view.timeout_ready_count = data.ready_essay_count
    if data.ready_essay_count == 0:
        message = f"No essay arrived before the deadline ({view.missing_essay_count} missing)."
        set_latest_error(view, ErrorNote(code=READINESS_TIMED_OUT, message=message, at=at))
    return [Notice(N.BATCH_READINESS_TIMEOUT, {"missing": len(data.missing_essay_ids)})]


def _attach(view: BatchView, ready: ReadyEssay, at: datetime) -> None:
    """Make the essay row of `ready.essay_id` carry its file, merging a separate file row."""
    by_id = view.essay_by_id(ready.essay_id)
    by_upload = view.essay_by_upload(ready.file_upload_id)
    if by_upload is not None and by_upload.essay_id not in (None, ready.essay_id):
        by_upload = None  # that upload already became another essay: leave it alone
    if by_id is not None and by_upload is not None and by_id is not by_upload:
        view.essays.remove(by_upload)
        _take_file_details(by_id, by_upload)
    target = by_id or by_upload
    if target is None:
        target = EssayView(created_at=at, updated_at=at)
        view.essays.append(target)
    target.touch(at)
    target.essay_id = ready.essay_id
    target.file_upload_id = ready.file_upload_id
    target.file_name = ready.original_file_name
    target.text_storage_id = ready.text_storage_id
    if ready.student_name is not None:
        target.student_name = ready.student_name
    if ready.student_email is not None:
        target.student_email = ready.student_email


def _take_file_details(essay: EssayView, file_row: EssayView) -> None:
    """Merge what an upload taught about the file into the essay row it became."""
    for name in ("file_name", "student_name", "student_email", "text_storage_id"):
        if getattr(essay, name) is None:
            setattr(essay, name, getattr(file_row, name))
    essay.touch(file_row.created_at)
    essay.touch(file_row.updated_at)
