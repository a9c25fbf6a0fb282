"""Processing phases: one row per phase run, one per essay of the run with its outcome.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "phase_runs",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("essay_instructions", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.Text(), nullable=False),
        sa.Column("command_event_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("outcome_status", sa.Text(), nullable=True),
        sa.Column("outcome_event_id", sa.Text(), nullable=True),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("deadline", _TS, nullable=False),
        sa.Column("completed_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("batch_id", "pipeline_run_id", "phase"),
    )
    op.create_index(
        "ix_phase_runs_open_deadline",
        "phase_runs",
        ["deadline"],
        unique=False,
        postgresql_where=sa.text("status = 'in_progress'"),
    )
    op.create_table(
        "phase_essays",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("input_text_storage_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("output_text_storage_id", sa.Text(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result_event_id", sa.Text(), nullable=True),
        sa.Column("recorded_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id", "pipeline_run_id", "phase"],
            ["phase_runs.batch_id", "phase_runs.pipeline_run_id", "phase_runs.phase"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "pipeline_run_id", "phase", "essay_id"),
    )
    op.create_index(
        "ix_phase_essays_essay", "phase_essays", ["batch_id", "essay_id", "phase"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_phase_essays_essay", table_name="phase_essays")
    op.drop_table("phase_essays")
    op.drop_index(
        "ix_phase_runs_open_deadline",
        table_name="phase_runs",
        postgresql_where=sa.text("status = 'in_progress'"),
    )
    op.drop_table("phase_runs")
