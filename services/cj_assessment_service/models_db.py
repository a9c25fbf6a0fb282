"""CJ tables: one assessment per (batch, pipeline run), its essays (with their results) and its
planned comparisons (with the judge's answer once judged), plus `processed_events` and
`event_outbox`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables

_NOW = sa.func.now()


class Base(DeclarativeBase):
    pass


class AssessmentRow(Base):
    """One CJ assessment; `status` is judging, completed or failed."""

    __tablename__ = "cj_assessments"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "pipeline_run_id", name="uq_cj_assessments_batch_run"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    batch_id: Mapped[str] = mapped_column(sa.Text)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.Text)
    essay_instructions: Mapped[str] = mapped_column(sa.Text)
    request_event_id: Mapped[str] = mapped_column(sa.Text)
    correlation_id: Mapped[str] = mapped_column(sa.Text)
    pairing_seed: Mapped[str] = mapped_column(sa.Text)
    comparisons_per_essay: Mapped[int] = mapped_column(sa.Integer)
    judge: Mapped[str | None] = mapped_column(sa.Text)
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    failure_message: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("1"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AssessedEssayRow(Base):
    """An essay of an assessment; rank and score are set when the assessment completes."""

    __tablename__ = "cj_essays"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cj_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    essay_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    text_storage_id: Mapped[str] = mapped_column(sa.Text)
    spelling_error_rate: Mapped[float | None] = mapped_column(sa.Float)
    rank: Mapped[int | None] = mapped_column(sa.Integer)
    score: Mapped[float | None] = mapped_column(sa.Float)
    wins: Mapped[int | None] = mapped_column(sa.Integer)
    comparisons: Mapped[int | None] = mapped_column(sa.Integer)


class ComparisonRow(Base):
    """A planned comparison; `winner_id` is null until judged."""

    __tablename__ = "cj_comparisons"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cj_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    essay_a_id: Mapped[str] = mapped_column(sa.Text)
    essay_b_id: Mapped[str] = mapped_column(sa.Text)
    winner_id: Mapped[str | None] = mapped_column(sa.Text)
    confidence: Mapped[float | None] = mapped_column(sa.Float)
    judge: Mapped[str | None] = mapped_column(sa.Text)
    judged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


infrastructure_tables(Base.metadata)
