"""Outbox writer and relay against real Postgres and Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.db import (
    create_async_engine_from_settings,
    create_sessionmaker,
    infrastructure_tables,
)
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.outbox import OutboxRelay, OutboxWriter
from scripts.kafka_topic_bootstrap import create_topics

pytestmark = pytest.mark.integration

SERVICE = "outbox_test"
_metadata = sa.MetaData()
_, _outbox = infrastructure_tables(_metadata)


@pytest.fixture
async def engine(infra: Any) -> AsyncIterator[AsyncEngine]:
    url = await infra.create_database(f"t_outbox_{uuid4().hex[:12]}")
    db_engine = create_async_engine_from_settings(url, pool_size=4)
    async with db_engine.begin() as conn:
        await conn.run_sync(_metadata.create_all)
    yield db_engine
    await db_engine.dispose()


@pytest.fixture(scope="module")
async def bus(infra: Any) -> AsyncIterator[KafkaBus]:
    async with KafkaBus(
        infra.kafka_bootstrap, client_id="outbox-test", enable_idempotence=False
    ) as kafka_bus:
        yield kafka_bus


@pytest.fixture
async def topic(infra: Any) -> str:
    name = f"test.outbox.{uuid4().hex[:12]}"
    await create_topics(infra.kafka_bootstrap, [name], partitions=3)
    return name


@pytest.fixture
async def relays(engine: AsyncEngine, bus: KafkaBus) -> AsyncIterator[Callable[..., OutboxRelay]]:
    started: list[OutboxRelay] = []

    def make(publisher: Any = bus, **options: Any) -> OutboxRelay:
        options = {"poll_interval_s": 30.0, "lock_retry_interval_s": 0.2, **options}
        relay = OutboxRelay(engine, publisher, service_name=SERVICE, **options)
        started.append(relay)
        return relay

    yield make
    for relay in started:
        await relay.stop(timeout_s=2)


def _envelope(topic: str, **data: Any) -> EventEnvelope[dict[str, Any]]:
    return EventEnvelope[dict[str, Any]](
        event_type=topic, source_service=SERVICE, correlation_id=uuid4(), data=data
    )


async def _write(
    sessions: async_sessionmaker[AsyncSession], topic: str, key: str, *numbers: int
) -> list[EventEnvelope[dict[str, Any]]]:
    envelopes = [_envelope(topic, n=n, key=key) for n in numbers]
    async with sessions() as session, session.begin():
        for envelope in envelopes:
            await OutboxWriter(SERVICE).add(session, envelope, key=key)
    return envelopes


async def _consume(infra: Any, topic: str, count: int, timeout_s: float) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(records) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            records += [record for batch in batches.values() for record in batch]
    finally:
        await consumer.stop()
    return records


def _data(record: ConsumerRecord) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(record.value)["data"]
    return data


async def _pending(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        query = sa.select(_outbox).where(_outbox.c.published_at.is_(None)).order_by(_outbox.c.id)
        return list((await conn.execute(query)).all())


async def _wait_until(condition: Callable[[], Any], timeout_s: float = 5.0) -> None:
    """Poll `condition` (sync or async) until it is true; fail after `timeout_s`."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _nothing_pending(engine: AsyncEngine) -> bool:
    return not await _pending(engine)


async def test_commit_publishes_promptly_with_headers(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    relay = relays()  # polls every 30 s: only the commit's notification can explain a fast publish
    await relay.start()
    await _wait_until(lambda: relay.is_active)
    [envelope] = await _write(async_sessionmaker(engine), topic, "batch-1", 1)
    [record] = await _consume(infra, topic, 1, timeout_s=5)
    assert record.key == b"batch-1"
    assert EventEnvelope[dict[str, Any]].model_validate_json(record.value) == envelope
    assert dict(record.headers)["event_id"] == str(envelope.event_id).encode()
    await _wait_until(lambda: _nothing_pending(engine))


async def test_add_many_writes_one_row_per_envelope_published_in_order(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    relay = relays()  # polls every 30 s: only the commit's notification can explain a fast publish
    await relay.start()
    await _wait_until(lambda: relay.is_active)
    envelopes = [_envelope(topic, n=n) for n in range(5)]
    items = [(envelope, f"key-{n % 2}") for n, envelope in enumerate(envelopes)]
    sessions = create_sessionmaker(engine, on_outbox_commit=relay.wake)
    async with sessions() as session, session.begin():
        row_ids = await OutboxWriter(SERVICE).add_many(session, items)
        assert await OutboxWriter(SERVICE).add_many(session, []) == []
    records = await _consume(infra, topic, 5, timeout_s=5)
    assert row_ids == sorted(row_ids) and len(set(row_ids)) == 5
    assert [_data(record)["n"] for record in records if record.key == b"key-0"] == [0, 2, 4]
    assert [_data(record)["n"] for record in records if record.key == b"key-1"] == [1, 3]
    assert {json.loads(r.value)["event_id"] for r in records} == {
        str(e.event_id) for e in envelopes
    }


async def test_rollback_never_publishes(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    await relays(poll_interval_s=0.1).start()
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await OutboxWriter(SERVICE).add(session, _envelope(topic, n=0), key="k")
        await session.rollback()
    await _write(sessions, topic, "k", 1)
    # Rows publish in id order, so a leaked rolled-back row would arrive before n=1.
    records = await _consume(infra, topic, 1, timeout_s=5)
    assert [_data(r)["n"] for r in records] == [1]
    async with engine.connect() as conn:
        count = sa.select(sa.func.count()).select_from(_outbox)
        assert (await conn.execute(count)).scalar_one() == 1


async def test_row_left_by_a_crashed_relay_is_published_by_the_next(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    broken_bus = KafkaBus(
        infra.kafka_bootstrap, client_id="never-started", enable_idempotence=False
    )
    crashed = relays(broken_bus, poll_interval_s=0.1)
    await crashed.start()
    [envelope] = await _write(async_sessionmaker(engine), topic, "k", 7)

    async def failed_once() -> bool:
        rows = await _pending(engine)
        return bool(rows) and rows[0].attempts >= 1

    await _wait_until(failed_once)
    await crashed.stop(timeout_s=0)  # dies without having published the row
    assert "not started" in (await _pending(engine))[0].last_error

    await relays().start()
    [record] = await _consume(infra, topic, 1, timeout_s=5)
    assert _data(record)["n"] == 7
    assert json.loads(record.value)["event_id"] == str(envelope.event_id)
    await _wait_until(lambda: _nothing_pending(engine))


async def test_only_one_relay_is_active_and_standby_takes_over(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    first, second = relays(), relays()
    await asyncio.gather(first.start(), second.start())
    await _wait_until(lambda: first.is_active or second.is_active)
    await asyncio.sleep(0.5)  # the standby has retried the lock a few times by now
    assert [first.is_active, second.is_active].count(True) == 1
    active, standby = (first, second) if first.is_active else (second, first)

    sessions = async_sessionmaker(engine)
    await _write(sessions, topic, "k", 1, 2)
    await active.stop()
    await _wait_until(lambda: standby.is_active)
    await _write(sessions, topic, "k", 3)
    records = await _consume(infra, topic, 3, timeout_s=5)
    assert [_data(r)["n"] for r in records] == [1, 2, 3]


async def test_order_per_key_is_preserved_across_batches(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str, infra: Any
) -> None:
    sessions = async_sessionmaker(engine)
    for start in range(0, 30, 6):  # five transactions interleaving three keys
        for key in ("a", "b", "c"):
            await _write(sessions, topic, key, start, start + 1)
    await relays(batch_size=4).start()
    records = await _consume(infra, topic, 30, timeout_s=10)
    by_key: dict[str, list[int]] = {}
    for record in records:
        by_key.setdefault(record.key.decode(), []).append(_data(record)["n"])
    expected = [n for start in range(0, 30, 6) for n in (start, start + 1)]
    assert by_key == {"a": expected, "b": expected, "c": expected}


async def test_commit_hook_wakes_relay_only_after_outbox_commits(engine: AsyncEngine) -> None:
    wakes: list[str] = []
    sessions = create_sessionmaker(engine, on_outbox_commit=lambda: wakes.append("wake"))
    async with sessions() as session, session.begin():
        await session.execute(sa.select(1))
    async with sessions() as session:
        await OutboxWriter(SERVICE).add(session, _envelope("t", n=1), key=None)
        await session.rollback()
    assert wakes == []
    async with sessions() as session, session.begin():
        await OutboxWriter(SERVICE).add(session, _envelope("t", n=2), key=None)
    assert wakes == ["wake"]


async def test_published_rows_are_purged_after_retention(
    engine: AsyncEngine, relays: Callable[..., OutboxRelay], topic: str
) -> None:
    relay = relays(poll_interval_s=0.05, retention=timedelta(0), purge_interval_s=0)
    await relay.start()
    await _write(async_sessionmaker(engine), topic, "k", 1)

    async def table_empty() -> bool:
        async with engine.connect() as conn:
            return (
                await conn.execute(sa.select(sa.func.count()).select_from(_outbox))
            ).scalar_one() == 0

    await _wait_until(table_empty)
