"""Initial ELS schema: batch trackers, essay slots, transitions, excess and early files.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 07:22:36.428956

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from huleedu_service_libs.db.migration_ops import (
    create_infrastructure_tables_v1,
    drop_infrastructure_tables_v1,
)

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "batch_trackers",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("expected_essay_count", sa.Integer(), nullable=False),
        sa.Column("readiness_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=False),
        sa.Column("ready_event_id", sa.Text(), nullable=True),
        sa.Column("timeout_event_id", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timed_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_index(
        "ix_batch_trackers_waiting_deadline",
        "batch_trackers",
        ["readiness_deadline"],
        unique=False,
        postgresql_where=sa.text("status = 'awaiting_content'"),
    )
    op.create_table(
        "essay_transitions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_essay_transitions_essay",
        "essay_transitions",
        ["batch_id", "essay_id", "id"],
        unique=False,
    )
    op.create_table(
        "excess_files",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("file_upload_id", sa.Text(), nullable=False),
        sa.Column("file_outcome", sa.Text(), nullable=False),
        sa.Column("original_file_name", sa.Text(), nullable=False),
        sa.Column("text_storage_id", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("batch_id", "file_upload_id"),
    )
    op.create_table(
        "pending_files",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("file_upload_id", sa.Text(), nullable=False),
        sa.Column("arrival", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("batch_id", "file_upload_id"),
    )
    op.create_table(
        "essays",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("file_outcome", sa.Text(), nullable=True),
        sa.Column("file_upload_id", sa.Text(), nullable=True),
        sa.Column("original_file_name", sa.Text(), nullable=True),
        sa.Column("text_storage_id", sa.Text(), nullable=True),
        sa.Column("student_name", sa.Text(), nullable=True),
        sa.Column("student_email", sa.Text(), nullable=True),
        sa.Column("failure_reason_code", sa.Text(), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["batch_id"], ["batch_trackers.batch_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id", "essay_id"),
        sa.UniqueConstraint("batch_id", "file_upload_id", name="uq_essays_batch_file"),
        sa.UniqueConstraint("batch_id", "position", name="uq_essays_batch_position"),
    )
    op.create_index("ix_essays_essay_id", "essays", ["essay_id"], unique=False)
    create_infrastructure_tables_v1()


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_essays_essay_id", table_name="essays")
    op.drop_table("essays")
    op.drop_table("pending_files")
    op.drop_table("excess_files")
    op.drop_index("ix_essay_transitions_essay", table_name="essay_transitions")
    op.drop_table("essay_transitions")
    op.drop_index(
        "ix_batch_trackers_waiting_deadline",
        table_name="batch_trackers",
        postgresql_where=sa.text("status = 'awaiting_content'"),
    )
    op.drop_table("batch_trackers")
    drop_infrastructure_tables_v1()
