"""Initial BOS schema: batches, dead_letters, processed_events, event_outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01 00:00:00
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

_EMPTY_JSON_LIST = sa.text("'[]'::jsonb")


def upgrade() -> None:
    _create_batches()
    _create_dead_letters()
    create_infrastructure_tables_v1()


def downgrade() -> None:
    drop_infrastructure_tables_v1()
    op.drop_index("ix_dead_letters_failed_at", table_name="dead_letters")
    op.drop_index("ix_dead_letters_source_topic", table_name="dead_letters")
    op.drop_table("dead_letters")
    op.drop_index("ix_batches_status", table_name="batches")
    op.drop_index("ix_batches_user_id", table_name="batches")
    op.drop_table("batches")


def _create_batches() -> None:
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("course_code", sa.Text(), nullable=False),
        sa.Column("class_designation", sa.Text(), nullable=True),
        sa.Column("essay_instructions", sa.Text(), nullable=False),
        sa.Column("expected_essay_count", sa.Integer(), nullable=False),
        sa.Column("essay_ids", postgresql.JSONB(), nullable=False),
        sa.Column("readiness_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=False),
        sa.Column("essays", postgresql.JSONB(), server_default=_EMPTY_JSON_LIST, nullable=False),
        sa.Column(
            "failed_files", postgresql.JSONB(), server_default=_EMPTY_JSON_LIST, nullable=False
        ),
        sa.Column(
            "missing_essay_ids",
            postgresql.JSONB(),
            server_default=_EMPTY_JSON_LIST,
            nullable=False,
        ),
        sa.Column("ready_essay_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pipeline_state", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_index("ix_batches_user_id", "batches", ["user_id"])
    op.create_index("ix_batches_status", "batches", ["status"])


def _create_dead_letters() -> None:
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("consumer_group", sa.Text(), nullable=False),
        sa.Column("source_topic", sa.Text(), nullable=False),
        sa.Column("source_partition", sa.Integer(), nullable=False),
        sa.Column("source_offset", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("headers", postgresql.JSONB(), server_default=_EMPTY_JSON_LIST, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("error_type", sa.Text(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "consumer_group",
            "source_topic",
            "source_partition",
            "source_offset",
            name="uq_dead_letters_source",
        ),
    )
    op.create_index("ix_dead_letters_source_topic", "dead_letters", ["source_topic"])
    op.create_index("ix_dead_letters_failed_at", "dead_letters", ["failed_at"])
