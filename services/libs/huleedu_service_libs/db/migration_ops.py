"""Alembic operations for the infrastructure tables every Postgres service keeps.

A service's first migration calls `create_infrastructure_tables_v1()` in `upgrade()` and
`drop_infrastructure_tables_v1()` in `downgrade()`, instead of repeating the DDL of
`processed_events` and `event_outbox` (see `tables.py`).

These functions are frozen: a migration that ran must mean the same thing forever. A later change
to either table gets a new function (`..._v2` or an `alter_...` step) called from a new migration
of every service, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from huleedu_service_libs.db.tables import OUTBOX_TABLE, PROCESSED_EVENTS_TABLE


def create_infrastructure_tables_v1() -> None:
    """Create `processed_events` and `event_outbox` with their indexes (schema v1)."""
    _create_processed_events()
    _create_event_outbox()


def drop_infrastructure_tables_v1() -> None:
    """Drop what `create_infrastructure_tables_v1` created."""
    op.drop_index("ix_event_outbox_published_at", table_name=OUTBOX_TABLE)
    op.drop_index("ix_event_outbox_pending", table_name=OUTBOX_TABLE)
    op.drop_table(OUTBOX_TABLE)
    op.drop_index("ix_processed_events_processed_at", table_name=PROCESSED_EVENTS_TABLE)
    op.drop_table(PROCESSED_EVENTS_TABLE)


def _created_at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _create_processed_events() -> None:
    op.create_table(
        PROCESSED_EVENTS_TABLE,
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        _created_at("processed_at"),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_index("ix_processed_events_processed_at", PROCESSED_EVENTS_TABLE, ["processed_at"])


def _create_event_outbox() -> None:
    op.create_table(
        OUTBOX_TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "headers",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        _created_at("created_at"),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_event_outbox_pending",
        OUTBOX_TABLE,
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_event_outbox_published_at", OUTBOX_TABLE, ["published_at"])
