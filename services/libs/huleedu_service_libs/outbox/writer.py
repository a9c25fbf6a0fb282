"""OutboxWriter: add an event envelope to the outbox inside the caller's transaction.

The row and a `pg_notify` on the service's outbox channel go out in one statement. Postgres
delivers the notification only if the transaction commits, which wakes the relay (in this process
or another one sharing the database) right after the commit; a rollback leaves neither the row
nor the wakeup behind.
"""

from __future__ import annotations

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
        inserted = (
            insert(_OUTBOX)
            .values(
                topic=topic or envelope.event_type,
                key=key,
                event_id=str(envelope.event_id),
                event_type=envelope.event_type,
                payload=envelope.model_dump_json().encode(),
                headers=stored_headers(envelope),
            )
            .returning(_OUTBOX.c.id)
            .cte("inserted")
        )
        statement = sa.select(inserted.c.id, sa.func.pg_notify(self._channel, "")).select_from(
            inserted
        )
        row_id = (await session.execute(statement)).one()[0]
        session.info[OUTBOX_PENDING_INFO_KEY] = True
        return int(row_id)
