"""Transactional outbox: write envelopes in the service's transaction, relay them to Kafka.

Wiring in a service (its MetaData includes `infrastructure_tables(metadata)`)::

    relay = OutboxRelay(engine, bus, service_name="batch_orchestrator_service")
    sessions = create_sessionmaker(engine, on_outbox_commit=relay.wake)
    writer = OutboxWriter("batch_orchestrator_service")
    await relay.start()
    ...
    async with sessions() as session, session.begin():
        ...                                           # the state change
        await writer.add(session, envelope, key=batch_id)
    ...
    await relay.stop()                                # at shutdown, before bus.stop()

The writer and the relay must use the same `service_name` (it names the NOTIFY channel and the
advisory lock).
"""

from huleedu_service_libs.db.tables import outbox_table
from huleedu_service_libs.outbox.relay import OutboxPublisher, OutboxRelay, advisory_lock_key
from huleedu_service_libs.outbox.writer import OutboxWriter, outbox_channel

__all__ = [
    "OutboxPublisher",
    "OutboxRelay",
    "OutboxWriter",
    "advisory_lock_key",
    "outbox_channel",
    "outbox_table",
]
