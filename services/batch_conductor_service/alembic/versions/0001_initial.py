"""Initial BCS schema: the batch state projection, processed_events, event_outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from huleedu_service_libs.db.migration_ops import (
    create_infrastructure_tables_v1,
    drop_infrastructure_tables_v1,
)

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_NOW = sa.func.now()
_PROJECTION_TABLES = (
    "pipeline_runs",
    "phase_outcomes",
    "phase_completions",
    "essay_phase_results",
    "batch_projections",
)


def upgrade() -> None:
    _create_projection_tables()
    create_infrastructure_tables_v1()


def downgrade() -> None:
    drop_infrastructure_tables_v1()
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
