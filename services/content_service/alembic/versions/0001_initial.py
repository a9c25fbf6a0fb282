"""initial

Revision ID: 0001
Revises:
Create Date: 2026-11-25 07:22:22.950722

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
        "stored_content",
        sa.Column("storage_id", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("storage_id"),
    )
    create_infrastructure_tables_v1()


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("stored_content")
    drop_infrastructure_tables_v1()
