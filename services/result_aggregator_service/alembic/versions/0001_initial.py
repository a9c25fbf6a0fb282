"""Initial RAS schema: batch_results, essay_results, processed_events, event_outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2025-03-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from huleedu_service_libs.db.migration_ops import (
    create_infrastructure_tables_v1,
    drop_infrastructure_tables_v1,
)

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_EMPTY_LIST = sa.text("'[]'::jsonb")
_EMPTY_OBJECT = sa.text("'{}'::jsonb")
_ZERO = sa.text("0")


def upgrade() -> None:
    _create_batch_results()
    _create_essay_results()
    create_infrastructure_tables_v1()


def downgrade() -> None:
    drop_infrastructure_tables_v1()
    op.drop_table("essay_results")
    op.drop_index("ix_batch_results_user_status", table_name="batch_results")
    op.drop_index("ix_batch_results_user_created", table_name="batch_results")
    op.drop_index("ix_batch_results_user_id", table_name="batch_results")
    op.drop_table("batch_results")


def _json(name: str, default: sa.TextClause | None = None) -> sa.Column[object]:
    nullable = default is None
    return sa.Column(name, postgresql.JSONB(), server_default=default, nullable=nullable)


def _create_batch_results() -> None:
    op.create_table(
        "batch_results",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("registered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("expected_essay_count", sa.Integer(), server_default=_ZERO, nullable=False),
        sa.Column("ready_essay_count", sa.Integer(), server_default=_ZERO, nullable=False),
        sa.Column("failed_essay_count", sa.Integer(), server_default=_ZERO, nullable=False),
        sa.Column("requested_pipeline", sa.Text(), nullable=True),
        sa.Column("pipeline_run_id", sa.Text(), nullable=True),
        sa.Column("current_phase", sa.Text(), nullable=True),
        _json("phases", _EMPTY_OBJECT),
        _json("last_error"),
        _json("last_rejection"),
        _json("readiness", _EMPTY_OBJECT),
        _json("rejected_files", _EMPTY_LIST),
        _json("excess_files", _EMPTY_LIST),
        _json("runs", _EMPTY_OBJECT),
        sa.Column("seq", sa.BigInteger(), server_default=_ZERO, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_index("ix_batch_results_user_id", "batch_results", ["user_id"])
    op.create_index("ix_batch_results_user_created", "batch_results", ["user_id", "created_at"])
    op.create_index("ix_batch_results_user_status", "batch_results", ["user_id", "status"])


def _create_essay_results() -> None:
    op.create_table(
        "essay_results",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("entry_key", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=True),
        sa.Column("file_upload_id", sa.Text(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("student_name", sa.Text(), nullable=True),
        sa.Column("student_email", sa.Text(), nullable=True),
        sa.Column("text_storage_id", sa.Text(), nullable=True),
        sa.Column("spellcheck_status", sa.Text(), nullable=True),
        sa.Column("spellcheck_run_id", sa.Text(), nullable=True),
        sa.Column("correction_count", sa.Integer(), nullable=True),
        _json("corrections", _EMPTY_LIST),
        sa.Column("corrected_text_storage_id", sa.Text(), nullable=True),
        sa.Column("spellcheck_error", sa.Text(), nullable=True),
        sa.Column("spellcheck_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cj_rank", sa.Integer(), nullable=True),
        sa.Column("cj_score", sa.Float(), nullable=True),
        sa.Column("cj_run_id", sa.Text(), nullable=True),
        sa.Column("cj_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch_results.batch_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id", "entry_key"),
    )
