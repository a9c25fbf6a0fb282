"""Initial CJ schema: assessments, essays with results, comparisons

Revision ID: 0001
Revises:
Create Date: 2026-11-25 07:44:03.536941

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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
        "cj_assessments",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("pipeline_run_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("essay_instructions", sa.Text(), nullable=False),
        sa.Column("request_event_id", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=False),
        sa.Column("pairing_seed", sa.Text(), nullable=False),
        sa.Column("comparisons_per_essay", sa.Integer(), nullable=False),
        sa.Column("judge", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
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
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "pipeline_run_id", name="uq_cj_assessments_batch_run"),
    )
    op.create_table(
        "cj_comparisons",
        sa.Column("assessment_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("essay_a_id", sa.Text(), nullable=False),
        sa.Column("essay_b_id", sa.Text(), nullable=False),
        sa.Column("winner_id", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("judge", sa.Text(), nullable=True),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["cj_assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "position"),
    )
    op.create_table(
        "cj_essays",
        sa.Column("assessment_id", sa.BigInteger(), nullable=False),
        sa.Column("essay_id", sa.Text(), nullable=False),
        sa.Column("text_storage_id", sa.Text(), nullable=False),
        sa.Column("spelling_error_rate", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("wins", sa.Integer(), nullable=True),
        sa.Column("comparisons", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["cj_assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "essay_id"),
    )
    create_infrastructure_tables_v1()


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("cj_essays")
    op.drop_table("cj_comparisons")
    op.drop_table("cj_assessments")
    drop_infrastructure_tables_v1()
