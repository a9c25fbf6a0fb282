"""OutboxWriter: add an event envelope to the outbox inside the caller's transaction.

The row and a `pg_notify` on the service's outbox channel go out in one statement. Postgres
delivers the notification only if the transaction commits, which wakes the relay (in this process
or another one sharing the database) right after the commit; a rollback leaves neither the row
nor the wakeup behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.db.engine import OUTBOX_PENDING_INFO_KEY
from huleedu_service_libs.db.tables import OUTBOX_CLAUSE as _OUTBOX
from huleedu_service_libs.kafka.bus import envelope_headers


def outbox_channel(service_name: str) -> str:
    """The LISTEN/NOTIFY channel that announces new outbox rows of a service."""
    return f"huleedu_outbox_{service_name}"


def stored_headers(envelope: EventEnvelope[Any]) -> list[list[str]]:
    """The bus's standard headers of `envelope` as JSON-storable [name, value] pairs."""
    return [[name, value.decode()] for name, value in envelope_headers(envelope)]


class OutboxWriter:
    """Writes envelopes to a service's `event_outbox` table."""

    def __init__(self, service_name: str) -> None:
        self._channel = outbox_channel(service_name)

    async def add(
        self,
        session: AsyncSession,
        envelope: EventEnvelope[Any],
        *,
        key: str | None,
        topic: str | None = None,
    ) -> int:
        """Add `envelope` (to `topic`, default its event_type); return the outbox row id.

        Must run inside the transaction whose commit makes the event true.
        """
        return (await self.add_many(session, [(envelope, key)], topic=topic))[0]

    async def add_many(
        self,
        session: AsyncSession,
        items: Sequence[tuple[EventEnvelope[Any], str | None]],
        *,
        topic: str | None = None,
    ) -> list[int]:
        """Add several `(envelope, key)` pairs in one statement, in the given order (the relay
        publishes them in that order); return their row ids in that order.

        For a transaction that emits many events at once (a batch upload, say) this saves a
        round trip per event. Must run inside the transaction that makes the events true.
        """
        if not items:
            return []
        rows = [_row(envelope, key, topic) for envelope, key in items]
        inserted = insert(_OUTBOX).values(rows).returning(_OUTBOX.c.id).cte("inserted")
        # Postgres folds identical notifications of one transaction into a single one.
        statement = (
            sa.select(inserted.c.id, sa.func.pg_notify(self._channel, ""))
            .select_from(inserted)
            .order_by(inserted.c.id)
        )
        row_ids = [int(row[0]) for row in (await session.execute(statement)).all()]
        session.info[OUTBOX_PENDING_INFO_KEY] = True
        return row_ids


def _row(envelope: EventEnvelope[Any], key: str | None, topic: str | None) -> dict[str, Any]:
    return {
        "topic": topic or envelope.event_type,
        "key": key,
        "event_id": str(envelope.event_id),
        "event_type": envelope.event_type,
        "payload": envelope.model_dump_json().encode(),
        "headers": stored_headers(envelope),
    }
