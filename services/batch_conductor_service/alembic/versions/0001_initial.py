"""Initial BCS schema: the batch state projection, processed_events, event_outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_NOW = sa.func.now()
_EMPTY_JSON_LIST = sa.text("'[]'::jsonb")
_PROJECTION_TABLES = (
    "pipeline_runs",
    "phase_outcomes",
    "phase_completions",
    "essay_phase_results",
    "batch_projections",
)


def upgrade() -> None:
    _create_projection_tables()
    _create_processed_events()
    _create_event_outbox()


def downgrade() -> None:
    op.drop_index("ix_event_outbox_published_at", table_name="event_outbox")
    op.drop_index("ix_event_outbox_pending", table_name="event_outbox")
    op.drop_table("event_outbox")
    op.drop_index("ix_processed_events_processed_at", table_name="processed_events")
    op.drop_table("processed_events")
    for table in _PROJECTION_TABLES:
        op.drop_table(table)


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=_NOW, nullable=False)


def _create_projection_tables() -> None:
    op.create_table(
        "batch_projections",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_table(
        "essay_phase_results",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("batch_id", "phase", "essay_id"),
    )
    op.create_table(
        "phase_completions",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        _timestamp("completed_at"),
        sa.PrimaryKeyConstraint("batch_id", "phase", "essay_id"),
    )
    op.create_table(
        "phase_outcomes",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("successful", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _timestamp("received_at"),
        sa.PrimaryKeyConstraint("batch_id", "pipeline_run_id", "phase"),
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("final_status", sa.Text(), nullable=False),
        sa.Column("successful_essay_count", sa.Integer(), nullable=False),
        sa.Column("failed_essay_count", sa.Integer(), nullable=False),
        _timestamp("completed_at"),
        sa.PrimaryKeyConstraint("batch_id", "pipeline_run_id"),
    )


def _create_processed_events() -> None:
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])


def _create_event_outbox() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("headers", postgresql.JSONB(), server_default=_EMPTY_JSON_LIST, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_event_outbox_pending",
        "event_outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_event_outbox_published_at", "event_outbox", ["published_at"])
