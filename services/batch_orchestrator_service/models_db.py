"""BOS tables: `batches` (context, status, essays, pipeline state), `pipeline_runs`,
`dead_letters`, and the shared `processed_events` / `event_outbox` tables.

`batches.pipeline_state` keeps the batch-level bookkeeping (active run, queued request,
completed phases, latest essay texts); each run's phases live in `pipeline_runs`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables

_EMPTY_JSON_LIST = sa.text("'[]'::jsonb")


class Base(DeclarativeBase):
    pass


class BatchRow(Base):
    """One registered batch."""

    __tablename__ = "batches"

    batch_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.Text, index=True)
    status: Mapped[str] = mapped_column(sa.Text, index=True)
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    course_code: Mapped[str] = mapped_column(sa.Text)
    class_designation: Mapped[str | None] = mapped_column(sa.Text)
    essay_instructions: Mapped[str] = mapped_column(sa.Text)
    expected_essay_count: Mapped[int] = mapped_column(sa.Integer)
    essay_ids: Mapped[list[str]] = mapped_column(JSONB)
    readiness_deadline: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    correlation_id: Mapped[str] = mapped_column(sa.Text)
    essays: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=_EMPTY_JSON_LIST)
    failed_files: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=_EMPTY_JSON_LIST
    )
    missing_essay_ids: Mapped[list[str]] = mapped_column(JSONB, server_default=_EMPTY_JSON_LIST)
    ready_essay_count: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"))
    pipeline_state: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class PipelineRunRow(Base):
    """One pipeline run of a batch: the resolved phases and each phase's state."""

    __tablename__ = "pipeline_runs"

    pipeline_run_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    batch_id: Mapped[str] = mapped_column(
        sa.Text, sa.ForeignKey("batches.batch_id", ondelete="CASCADE"), index=True
    )
    requested_pipeline: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    phases: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    pruned_phases: Mapped[list[str]] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    requested_by: Mapped[str] = mapped_column(sa.Text)
    client_correlation_id: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class DeadLetterRow(Base):
    """A consumed record BOS gave up on, kept for `huleedu dlq list|replay`."""

    __tablename__ = "dead_letters"
    __table_args__ = (
        sa.UniqueConstraint(
            "consumer_group",
            "source_topic",
            "source_partition",
            "source_offset",
            name="uq_dead_letters_source",
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    consumer_group: Mapped[str] = mapped_column(sa.Text)
    source_topic: Mapped[str] = mapped_column(sa.Text, index=True)
    source_partition: Mapped[int] = mapped_column(sa.Integer)
    source_offset: Mapped[int] = mapped_column(sa.BigInteger)
    key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    value: Mapped[bytes] = mapped_column(sa.LargeBinary)
    headers: Mapped[list[list[str]]] = mapped_column(JSONB, server_default=_EMPTY_JSON_LIST)
    reason: Mapped[str] = mapped_column(sa.Text)
    error_type: Mapped[str] = mapped_column(sa.Text)
    error_message: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    failed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    replayed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


infrastructure_tables(Base.metadata)
