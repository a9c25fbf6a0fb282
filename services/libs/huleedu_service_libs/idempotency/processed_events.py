"""Idempotency for Postgres services: a processed-event record in the handler's transaction.

A handler calls `record_once` first, inside the same transaction as its state change::

    async with session.begin():
        if not await processed.record_once(session, "els.content_ready", envelope.event_id):
            return                      # a duplicate: its effect is already committed
        ...                             # the state change

The insert takes the row's primary-key lock, so a concurrent duplicate delivery waits for the
first transaction: it sees the record (False) once that commits, or records it itself (True)
if that rolls back. A rollback un-records the event, so it is handled again on redelivery.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from huleedu_service_libs.db.tables import PROCESSED_EVENTS_CLAUSE as _PROCESSED

EventId = UUID | str


class ProcessedEvents:
    """Records (consumer, event_id) pairs in the service's `processed_events` table."""

    async def record_once(self, session: AsyncSession, consumer: str, event_id: EventId) -> bool:
        """Record the event for `consumer`; True the first time, False for a duplicate."""
        statement = (
            insert(_PROCESSED)
            .values(consumer=consumer, event_id=str(event_id))
            .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
            .returning(_PROCESSED.c.event_id)
        )
        result = await session.execute(statement)
        return result.first() is not None

    async def is_processed(self, session: AsyncSession, consumer: str, event_id: EventId) -> bool:
        """Whether the event has been recorded for `consumer` (committed or in this txn)."""
        statement = sa.select(sa.literal(True)).where(
            _PROCESSED.c.consumer == consumer, _PROCESSED.c.event_id == str(event_id)
        )
        return (await session.execute(statement)).first() is not None

    async def purge_older_than(self, session: AsyncSession, age: timedelta) -> int:
        """Delete records older than `age` (keep it well beyond any redelivery window)."""
        cutoff = sa.func.now() - age
        statement = sa.delete(_PROCESSED).where(_PROCESSED.c.processed_at < cutoff)
        result = await session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
