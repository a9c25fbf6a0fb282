"""The batch view RAS keeps: what it has seen of one batch, its runs and its essays.

The view is built so that applying the same set of events in any order gives the same view
(topics are consumed independently, and a rebuild reads each topic from its beginning): facts
are merged rather than overwritten, and "latest" always means the latest event timestamp.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus


class ErrorNote(BaseModel):
    """The latest error or rejection of a batch."""

    code: str
    message: str
    at: datetime
    pipeline: str | None = None


class FileNote(BaseModel):
    """An uploaded file that did not become an essay (validation failure or excess)."""

    file_upload_id: str
    file_name: str
    reason: str
    at: datetime


class PhaseProgress(BaseModel):
    """Progress of one phase of one run; an ELS phase outcome, once seen, is authoritative."""

    status: PipelineExecutionStatus = PipelineExecutionStatus.PENDING_DEPENDENCIES
    total: int = 0
    successful: int = 0
    failed: int = 0
    started: bool = False
    outcome_recorded: bool = False

    def count_outcome(self, successful: int, failed: int) -> None:
        """Add essay outcomes seen before the phase's own outcome."""
        self.successful += successful
        self.failed += failed
        self.total = max(self.total, self.successful + self.failed)
        if not self.status.is_terminal:
            self.status = PipelineExecutionStatus.IN_PROGRESS

    def settle(self, status: PipelineExecutionStatus, successful: int, failed: int) -> None:
        """Record the phase's final status and counts."""
        self.status = status
        self.successful = successful
        self.failed = failed
        self.total = max(self.total, successful + failed)


class RunView(BaseModel):
    """One pipeline run as RAS has seen it."""

    pipeline_run_id: str
    first_seen_at: datetime
    started_at: datetime | None = None
    requested_pipeline: str | None = None
    phase_order: list[PhaseName] = Field(default_factory=list)
    pruned_phases: list[PhaseName] = Field(default_factory=list)
    phases: dict[PhaseName, PhaseProgress] = Field(default_factory=dict)
    final_status: PipelineExecutionStatus | None = None
    successful: int | None = None
    failed: int | None = None
    completed_at: datetime | None = None

    @property
    def order_key(self) -> tuple[datetime, str]:
        """Runs are ordered by when BOS started them (first event seen, before that)."""
        return (self.started_at or self.first_seen_at, self.pipeline_run_id)

    def progress(self, phase: PhaseName) -> PhaseProgress:
        """The progress of `phase`, created when first needed."""
        if phase not in self.phases:
            self.phases[phase] = PhaseProgress()
        if phase not in self.phase_order and phase not in self.pruned_phases:
            self.phase_order.append(phase)
        return self.phases[phase]


class EssayView(BaseModel):
    """One essay (keyed by essay_id) or, before ELS assigned it, one accepted file."""

    essay_id: str | None = None
    file_upload_id: str | None = None
    file_name: str | None = None
    student_name: str | None = None
    student_email: str | None = None
    text_storage_id: str | None = None
    spellcheck_status: OutcomeStatus | None = None
    spellcheck_run_id: str | None = None
    correction_count: int | None = None
    corrections: list[dict[str, Any]] = Field(default_factory=list)
    corrected_text_storage_id: str | None = None
    spellcheck_error: str | None = None
    spellcheck_at: datetime | None = None
    cj_rank: int | None = None
    cj_score: float | None = None
    cj_run_id: str | None = None
    cj_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def key(self) -> str:
        """Row key: the essay id once known, else the upload id."""
        if self.essay_id is not None:
            return self.essay_id
        return f"upload:{self.file_upload_id}"

    def touch(self, at: datetime) -> None:
        self.created_at = min(self.created_at, at)
        self.updated_at = max(self.updated_at, at)


class BatchView(BaseModel):
    """Everything RAS knows about one batch."""

    batch_id: str
    user_id: str
    registered: bool = False
    expected_essay_count: int = 0
    essay_ids: list[str] = Field(default_factory=list)
    readiness_deadline: datetime | None = None
    ready_seen: bool = False
    ready_essay_count: int = 0
    timed_out: bool = False
    missing_essay_count: int = 0
    timeout_ready_count: int = 0
    rejected_files: list[FileNote] = Field(default_factory=list)
    excess_files: list[FileNote] = Field(default_factory=list)
    runs: dict[str, RunView] = Field(default_factory=dict)
    last_error: ErrorNote | None = None
    last_rejection: ErrorNote | None = None
    essays: list[EssayView] = Field(default_factory=list)
    seq: int = 0
    created_at: datetime
    updated_at: datetime

    def touch(self, at: datetime) -> None:
        self.created_at = min(self.created_at, at)
        self.updated_at = max(self.updated_at, at)

    def essay_by_id(self, essay_id: str) -> EssayView | None:
        return next((e for e in self.essays if e.essay_id == essay_id), None)

    def essay_by_upload(self, file_upload_id: str) -> EssayView | None:
        return next((e for e in self.essays if e.file_upload_id == file_upload_id), None)

    def essay_for(self, essay_id: str, at: datetime) -> EssayView:
        """The essay `essay_id`, created (without file details yet) when first seen."""
        essay = self.essay_by_id(essay_id)
        if essay is None:
            essay = EssayView(essay_id=essay_id, created_at=at, updated_at=at)
            self.essays.append(essay)
        essay.touch(at)
        return essay

    def run_for(self, pipeline_run_id: str, at: datetime) -> RunView:
        """The run `pipeline_run_id`, created when first seen."""
        run = self.runs.get(pipeline_run_id)
        if run is None:
            run = RunView(pipeline_run_id=pipeline_run_id, first_seen_at=at)
            self.runs[pipeline_run_id] = run
        run.first_seen_at = min(run.first_seen_at, at)
        return run


def new_batch_view(batch_id: str, user_id: str, at: datetime) -> BatchView:
    """An empty view of a batch owned by `user_id`."""
    return BatchView(batch_id=batch_id, user_id=user_id, created_at=at, updated_at=at)


def set_latest_error(view: BatchView, note: ErrorNote) -> None:
    """Keep `note` as the batch's last error unless a later one is already known."""
    if view.last_error is None or _note_key(note) >= _note_key(view.last_error):
        view.last_error = note


def set_latest_rejection(view: BatchView, note: ErrorNote) -> None:
    if view.last_rejection is None or _note_key(note) >= _note_key(view.last_rejection):
        view.last_rejection = note


def _note_key(note: ErrorNote) -> tuple[datetime, str, str]:
    return (note.at, note.code, note.message)


def add_file_note(notes: list[FileNote], note: FileNote) -> list[FileNote]:
    """`notes` with `note` (one per upload id, the earliest kept), in a stable order."""
    by_upload = {n.file_upload_id: n for n in notes}
    known = by_upload.get(note.file_upload_id)
    if known is None or note.at < known.at:
        by_upload[note.file_upload_id] = note
    return sorted(by_upload.values(), key=lambda n: (n.at, n.file_upload_id))
