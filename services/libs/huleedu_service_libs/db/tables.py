"""The infrastructure tables every Postgres service keeps in its own database.

`processed_events` records which events a consumer has handled (idempotency) and
`event_outbox` holds envelopes written in a service's transaction until the relay has published
them. A service adds both to its own SQLAlchemy `MetaData` with `infrastructure_tables(metadata)`
so that its alembic migrations create them like any other table of the service.

The module-level `*_CLAUSE` objects are light, metadata-free descriptions of the same tables used
to build statements, so the helpers work with whichever `MetaData` the service registered.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

PROCESSED_EVENTS_TABLE = "processed_events"
OUTBOX_TABLE = "event_outbox"

PROCESSED_EVENTS_CLAUSE = sa.table(
    PROCESSED_EVENTS_TABLE,
    sa.column("consumer", sa.Text),
    sa.column("event_id", sa.Text),
    sa.column("processed_at", sa.DateTime(timezone=True)),
)

OUTBOX_CLAUSE = sa.table(
    OUTBOX_TABLE,
    sa.column("id", sa.BigInteger),
    sa.column("topic", sa.Text),
    sa.column("key", sa.Text),
    sa.column("event_id", sa.Text),
    sa.column("event_type", sa.Text),
    sa.column("payload", sa.LargeBinary),
    sa.column("headers", JSONB),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("attempts", sa.Integer),
    sa.column("last_error", sa.Text),
)


def processed_events_table(metadata: sa.MetaData) -> sa.Table:
    """Add (or return the existing) `processed_events` table of `metadata`."""
    existing = metadata.tables.get(PROCESSED_EVENTS_TABLE)
    if existing is not None:
        return existing
    return sa.Table(
        PROCESSED_EVENTS_TABLE,
        metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
            index=True,
        ),
    )


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    """Add (or return the existing) `event_outbox` table of `metadata`."""
    existing = metadata.tables.get(OUTBOX_TABLE)
    if existing is not None:
        return existing
    return sa.Table(
        OUTBOX_TABLE,
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=True),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text, nullable=True),
        # The relay scans unpublished rows in id order; published rows only wait to be purged.
        sa.Index("ix_event_outbox_pending", "id", postgresql_where=sa.text("published_at IS NULL")),
        sa.Index("ix_event_outbox_published_at", "published_at"),
    )


def infrastructure_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """Add `processed_events` and `event_outbox` to a service's `MetaData`; return both."""
    return processed_events_table(metadata), outbox_table(metadata)
