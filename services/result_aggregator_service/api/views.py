"""JSON documents of the internal API, built from the batch view (pure functions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.derived import (
    client_status,
    current_phase,
    current_run,
    phases_summary,
    sorted_essays,
    usable_essay_count,
)
from ..domain.view import BatchView, ErrorNote, EssayView, FileNote
from ..models_db import BatchResultRow


def status_view(view: BatchView) -> dict[str, Any]:
    """`GET /internal/v1/batches/{batch_id}/status`: the full view, owner included."""
    run = current_run(view)
    phase = current_phase(run)
    return {
        "batch_id": view.batch_id,
        "user_id": view.user_id,
        "status": client_status(view).value,
        "requested_pipeline": run.requested_pipeline if run else None,
        "pipeline_run_id": run.pipeline_run_id if run else None,
        "current_phase": phase.value if phase else None,
        "expected_essay_count": view.expected_essay_count,
        "ready_essay_count": usable_essay_count(view),
        "failed_essay_count": len(view.rejected_files),
        "phases": phases_summary(run),
        "pipeline_result": _pipeline_result(view),
        "last_error": _note(view.last_error),
        "last_rejection": _note(view.last_rejection),
        "essays": [essay_summary(essay) for essay in sorted_essays(view.essays)],
        "rejected_files": [_file(note) for note in view.rejected_files],
        "excess_files": [_file(note) for note in view.excess_files],
        "seq": view.seq,
        "created_at": _iso(view.created_at),
        "updated_at": _iso(view.updated_at),
    }


def essay_summary(essay: EssayView) -> dict[str, Any]:
    return {
        "essay_id": essay.essay_id,
        "file_upload_id": essay.file_upload_id,
        "file_name": essay.file_name,
        "student_name": essay.student_name,
        "student_email": essay.student_email,
        "spellcheck_status": essay.spellcheck_status.value if essay.spellcheck_status else None,
        "correction_count": essay.correction_count,
        "cj_rank": essay.cj_rank,
        "cj_score": essay.cj_score,
    }


def essay_detail_view(
    view: BatchView, essay: EssayView, corrected_text: str | None, text_status: str
) -> dict[str, Any]:
    """`GET /internal/v1/batches/{batch_id}/essays/{essay_id}`."""
    return {
        "batch_id": view.batch_id,
        "user_id": view.user_id,
        **essay_summary(essay),
        "corrections": list(essay.corrections),
        "corrected_text_storage_id": essay.corrected_text_storage_id,
        "corrected_text": corrected_text,
        "corrected_text_status": text_status,
        "spellcheck_error": essay.spellcheck_error,
        "created_at": _iso(essay.created_at),
        "updated_at": _iso(essay.updated_at),
    }


def batch_summary(row: BatchResultRow) -> dict[str, Any]:
    """One entry of `GET /internal/v1/users/{user_id}/batches`."""
    return {
        "batch_id": row.batch_id,
        "status": row.status,
        "requested_pipeline": row.requested_pipeline,
        "pipeline_run_id": row.pipeline_run_id,
        "current_phase": row.current_phase,
        "expected_essay_count": row.expected_essay_count,
        "ready_essay_count": row.ready_essay_count,
        "failed_essay_count": row.failed_essay_count,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


def _pipeline_result(view: BatchView) -> dict[str, Any] | None:
    run = current_run(view)
    if run is None or run.final_status is None:
        return None
    return {
        "final_status": run.final_status.value,
        "successful": run.successful,
        "failed": run.failed,
        "completed_at": _iso(run.completed_at) if run.completed_at else None,
    }


def _note(note: ErrorNote | None) -> dict[str, Any] | None:
    if note is None:
        return None
    return {
        "code": note.code,
        "message": note.message,
        "pipeline": note.pipeline,
        "at": _iso(note.at),
    }


def _file(note: FileNote) -> dict[str, Any]:
    return {
        "file_upload_id": note.file_upload_id,
        "file_name": note.file_name,
        "reason": note.reason,
    }


def _iso(value: datetime) -> str:
    return value.isoformat()
