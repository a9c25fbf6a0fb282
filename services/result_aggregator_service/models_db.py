"""RAS tables: `batch_results` (one row per batch), `essay_results` (one row per essay or, before
ELS assigned it, per accepted file), and the shared `processed_events` / `event_outbox` tables.

`batch_results` keeps the client-facing columns (status, counts, current run and phase,
per-phase progress) next to the JSON of everything else RAS has seen (`runs`, readiness,
rejected files), from which those columns are recomputed on every change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables

_EMPTY_LIST = sa.text("'[]'::jsonb")
_EMPTY_OBJECT = sa.text("'{}'::jsonb")
_ZERO = sa.text("0")


class Base(DeclarativeBase):
    pass


class BatchResultRow(Base):
    """The view of one batch."""

    __tablename__ = "batch_results"
    __table_args__ = (
        sa.Index("ix_batch_results_user_created", "user_id", "created_at"),
        sa.Index("ix_batch_results_user_status", "user_id", "status"),
    )

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.Text, index=True)
    status: Mapped[str] = mapped_column(sa.Text)
    registered: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    expected_essay_count: Mapped[int] = mapped_column(sa.Integer, server_default=_ZERO)
    ready_essay_count: Mapped[int] = mapped_column(sa.Integer, server_default=_ZERO)
    failed_essay_count: Mapped[int] = mapped_column(sa.Integer, server_default=_ZERO)
    requested_pipeline: Mapped[str | None] = mapped_column(sa.Text)
    pipeline_run_id: Mapped[str | None] = mapped_column(sa.Text)
    current_phase: Mapped[str | None] = mapped_column(sa.Text)
    phases: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=_EMPTY_OBJECT)
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    last_rejection: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    readiness: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=_EMPTY_OBJECT)
    rejected_files: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=_EMPTY_LIST)
    excess_files: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=_EMPTY_LIST)
    runs: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=_EMPTY_OBJECT)
    seq: Mapped[int] = mapped_column(sa.BigInteger, server_default=_ZERO)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class EssayResultRow(Base):
    """One essay's results (or one accepted file not yet assigned to an essay)."""

    __tablename__ = "essay_results"

    batch_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("batch_results.batch_id", ondelete="CASCADE"), primary_key=True
    )
    entry_key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    essay_id: Mapped[str | None] = mapped_column(sa.Text)
    file_upload_id: Mapped[str | None] = mapped_column(sa.Text)
    file_name: Mapped[str | None] = mapped_column(sa.Text)
    student_name: Mapped[str | None] = mapped_column(sa.Text)
    student_email: Mapped[str | None] = mapped_column(sa.Text)
    text_storage_id: Mapped[str | None] = mapped_column(sa.Text)
    spellcheck_status: Mapped[str | None] = mapped_column(sa.Text)
    spellcheck_run_id: Mapped[str | None] = mapped_column(sa.Text)
    correction_count: Mapped[int | None] = mapped_column(sa.Integer)
    corrections: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=_EMPTY_LIST)
    corrected_text_storage_id: Mapped[str | None] = mapped_column(sa.Text)
    spellcheck_error: Mapped[str | None] = mapped_column(sa.Text)
    spellcheck_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cj_rank: Mapped[int | None] = mapped_column(sa.Integer)
    cj_score: Mapped[float | None] = mapped_column(sa.Float)
    cj_run_id: Mapped[str | None] = mapped_column(sa.Text)
    cj_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


infrastructure_tables(Base.metadata)
