"""Pipeline runs: one row per run with its resolved phases and their states.

Revision ID: 0002_pipeline_runs
Revises: 0001_initial
Create Date: 2025-02-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_pipeline_runs"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipeline_runs",
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("requested_pipeline", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("phases", postgresql.JSONB(), nullable=False),
        sa.Column("pruned_phases", postgresql.JSONB(), nullable=False),
        sa.Column("error", postgresql.JSONB(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("client_correlation_id", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.batch_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pipeline_run_id"),
    )
    op.create_index("ix_pipeline_runs_batch_id", "pipeline_runs", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_pipeline_runs_batch_id", table_name="pipeline_runs")
    op.drop_table("pipeline_runs")
