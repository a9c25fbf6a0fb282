"""The ELS database: batch trackers, essay slots, their transitions, excess and early files,
and the runs of processing phases with each essay's outcome."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables

_NOW = sa.func.now()


class Base(DeclarativeBase):
    pass


class BatchTracker(Base):
    """One registered batch: its size, deadline and intake status."""

    __tablename__ = "batch_trackers"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.Text)
    expected_essay_count: Mapped[int] = mapped_column(sa.Integer)
    readiness_deadline: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.Text)
    correlation_id: Mapped[str] = mapped_column(sa.Text)
    ready_event_id: Mapped[str | None] = mapped_column(sa.Text)
    timeout_event_id: Mapped[str | None] = mapped_column(sa.Text)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    timed_out_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)

    __table_args__ = (
        # The readiness sweep looks only at batches still waiting.
        sa.Index(
            "ix_batch_trackers_waiting_deadline",
            "readiness_deadline",
            postgresql_where=sa.text("status = 'awaiting_content'"),
        ),
    )


class Essay(Base):
    """One essay slot and, once assigned, the file that fills it."""

    __tablename__ = "essays"

    batch_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("batch_trackers.batch_id", ondelete="CASCADE"), primary_key=True
    )
    essay_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.Text)
    file_outcome: Mapped[str | None] = mapped_column(sa.Text)
    file_upload_id: Mapped[str | None] = mapped_column(sa.Text)
    original_file_name: Mapped[str | None] = mapped_column(sa.Text)
    text_storage_id: Mapped[str | None] = mapped_column(sa.Text)
    student_name: Mapped[str | None] = mapped_column(sa.Text)
    student_email: Mapped[str | None] = mapped_column(sa.Text)
    failure_reason_code: Mapped[str | None] = mapped_column(sa.Text)
    failure_message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)

    __table_args__ = (
        # The last line of defence: one file never fills two slots of a batch.
        sa.UniqueConstraint("batch_id", "file_upload_id", name="uq_essays_batch_file"),
        sa.UniqueConstraint("batch_id", "position", name="uq_essays_batch_position"),
        sa.Index("ix_essays_essay_id", "essay_id"),
    )


class EssayTransition(Base):
    """Every status change of an essay (and its content assignment), for the timeline."""

    __tablename__ = "essay_transitions"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    batch_id: Mapped[str] = mapped_column(sa.Text)
    essay_id: Mapped[str] = mapped_column(sa.Text)
    from_status: Mapped[str | None] = mapped_column(sa.Text)
    to_status: Mapped[str] = mapped_column(sa.Text)
    cause: Mapped[str] = mapped_column(sa.Text)
    event_id: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, object]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)

    __table_args__ = (sa.Index("ix_essay_transitions_essay", "batch_id", "essay_id", "id"),)


class ExcessFile(Base):
    """A file that arrived when every slot of its batch was already filled."""

    __tablename__ = "excess_files"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    file_upload_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    file_outcome: Mapped[str] = mapped_column(sa.Text)
    original_file_name: Mapped[str] = mapped_column(sa.Text)
    text_storage_id: Mapped[str | None] = mapped_column(sa.Text)
    reason_code: Mapped[str | None] = mapped_column(sa.Text)
    event_id: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class PendingFile(Base):
    """A file announced before its batch's registration; assigned when the batch arrives."""

    __tablename__ = "pending_files"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    file_upload_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    arrival: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False))
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
    event_id: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class PhaseRun(Base):
    """One phase of one pipeline run of a batch, from its command to its outcome."""

    __tablename__ = "phase_runs"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    phase: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    language: Mapped[str] = mapped_column(sa.Text)
    essay_instructions: Mapped[str | None] = mapped_column(sa.Text)
    correlation_id: Mapped[str] = mapped_column(sa.Text)
    command_event_id: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    outcome_status: Mapped[str | None] = mapped_column(sa.Text)
    outcome_event_id: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    deadline: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        # The phase-timeout sweep looks only at runs still waiting for results.
        sa.Index(
            "ix_phase_runs_open_deadline",
            "deadline",
            postgresql_where=sa.text("status = 'in_progress'"),
        ),
    )


class PhaseEssay(Base):
    """One essay of a phase run: the text it was given and, once known, its outcome."""

    __tablename__ = "phase_essays"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    phase: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    essay_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    input_text_storage_id: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    output_text_storage_id: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, object]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    error: Mapped[str | None] = mapped_column(sa.Text)
    result_event_id: Mapped[str | None] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["batch_id", "pipeline_run_id", "phase"],
            ["phase_runs.batch_id", "phase_runs.pipeline_run_id", "phase_runs.phase"],
            ondelete="CASCADE",
        ),
        sa.Index("ix_phase_essays_essay", "batch_id", "essay_id", "phase"),
    )


infrastructure_tables(Base.metadata)
