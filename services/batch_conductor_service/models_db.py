"""BCS tables: the batch state projection (source of truth; Redis only caches it) and the
shared `processed_events` / `event_outbox` tables.

- `batch_projections`: one row per batch, `version` bumped by every applied event (the row
  lock serialises the writers of one batch; the Redis cache keeps the highest version).
- `essay_phase_results`: the latest outcome of each essay in each phase.
- `phase_completions`: essays a phase completed cleanly (from ELSBatchPhaseOutcomeV1).
- `phase_outcomes`: phase-level outcomes per pipeline run (ELS outcomes, CJ failures).
- `pipeline_runs`: finished pipeline runs (BatchPipelineCompletedV1).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables

_NOW = sa.func.now()


class Base(DeclarativeBase):
    pass


class BatchProjectionRow(Base):
    __tablename__ = "batch_projections"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class EssayPhaseResultRow(Base):
    __tablename__ = "essay_phase_results"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    phase: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    essay_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    status: Mapped[str] = mapped_column(sa.Text)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class PhaseCompletionRow(Base):
    __tablename__ = "phase_completions"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    phase: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    essay_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text)
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class PhaseOutcomeRow(Base):
    __tablename__ = "phase_outcomes"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    phase: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    status: Mapped[str] = mapped_column(sa.Text)
    successful: Mapped[int] = mapped_column(sa.Integer)
    failed: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


class PipelineRunRow(Base):
    __tablename__ = "pipeline_runs"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    pipeline_run_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    final_status: Mapped[str] = mapped_column(sa.Text)
    successful_essay_count: Mapped[int] = mapped_column(sa.Integer)
    failed_essay_count: Mapped[int] = mapped_column(sa.Integer)
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=_NOW)


infrastructure_tables(Base.metadata)
