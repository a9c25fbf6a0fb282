"""initial

Revision ID: 0001
Revises:
Create Date: 2026-11-25 07:22:25.345236

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
        "file_uploads",
        sa.Column("file_upload_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("original_file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text_storage_id", sa.String(length=255), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("student_name", sa.Text(), nullable=True),
        sa.Column("student_email", sa.Text(), nullable=True),
        sa.Column("name_confidence", sa.Float(), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("file_upload_id"),
        sa.UniqueConstraint("batch_id", "file_sha256", name="uq_file_uploads_batch_content"),
    )
    create_infrastructure_tables_v1()


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("file_uploads")
    drop_infrastructure_tables_v1()
