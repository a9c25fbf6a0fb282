"""Between the domain view and the rows of `batch_results` / `essay_results`."""

from __future__ import annotations

from typing import Any

from ..domain.derived import (
    client_status,
    current_phase,
    current_run,
    phases_summary,
    usable_essay_count,
)
from ..domain.view import BatchView, ErrorNote, EssayView, FileNote, RunView
from ..models_db import BatchResultRow, EssayResultRow

_READINESS_FIELDS = (
    "essay_ids",
    "readiness_deadline",
    "ready_seen",
    "ready_essay_count",
    "timed_out",
    "missing_essay_count",
    "timeout_ready_count",
)
_ESSAY_FIELDS = tuple(name for name in EssayView.model_fields)


def batch_values(view: BatchView) -> dict[str, Any]:
    """The `batch_results` columns of `view`, client-facing ones recomputed."""
    run = current_run(view)
    phase = current_phase(run)
    readiness = view.model_dump(mode="json", include=set(_READINESS_FIELDS))
    return {
        "batch_id": view.batch_id,
        "user_id": view.user_id,
        "status": client_status(view).value,
        "registered": view.registered,
        "expected_essay_count": view.expected_essay_count,
        "ready_essay_count": usable_essay_count(view),
        "failed_essay_count": len(view.rejected_files),
        "requested_pipeline": run.requested_pipeline if run else None,
        "pipeline_run_id": run.pipeline_run_id if run else None,
        "current_phase": phase.value if phase else None,
        "phases": phases_summary(run),
        "last_error": _note_json(view.last_error),
        "last_rejection": _note_json(view.last_rejection),
        "readiness": readiness,
        "rejected_files": [n.model_dump(mode="json") for n in view.rejected_files],
        "excess_files": [n.model_dump(mode="json") for n in view.excess_files],
        "runs": {rid: r.model_dump(mode="json") for rid, r in view.runs.items()},
        "seq": view.seq,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
    }


def essay_values(batch_id: str, essay: EssayView) -> dict[str, Any]:
    values = essay.model_dump(include=set(_ESSAY_FIELDS))
    values["spellcheck_status"] = essay.spellcheck_status.value if essay.spellcheck_status else None
    return {"batch_id": batch_id, "entry_key": essay.key, **values}


def view_from_rows(row: BatchResultRow, essays: list[EssayResultRow]) -> BatchView:
    readiness = dict(row.readiness or {})
    return BatchView.model_validate(
        {
            **{name: readiness[name] for name in _READINESS_FIELDS if name in readiness},
            "batch_id": row.batch_id,
            "user_id": row.user_id,
            "registered": row.registered,
            "expected_essay_count": row.expected_essay_count,
            "rejected_files": [FileNote.model_validate(n) for n in row.rejected_files],
            "excess_files": [FileNote.model_validate(n) for n in row.excess_files],
            "runs": {rid: RunView.model_validate(r) for rid, r in (row.runs or {}).items()},
            "last_error": _note(row.last_error),
            "last_rejection": _note(row.last_rejection),
            "essays": [essay_from_row(e) for e in essays],
            "seq": row.seq,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
    )


def essay_from_row(row: EssayResultRow) -> EssayView:
    return EssayView.model_validate({name: getattr(row, name) for name in _ESSAY_FIELDS})


def _note_json(note: ErrorNote | None) -> dict[str, Any] | None:
    return note.model_dump(mode="json") if note else None


def _note(value: dict[str, Any] | None) -> ErrorNote | None:
    return ErrorNote.model_validate(value) if value else None
