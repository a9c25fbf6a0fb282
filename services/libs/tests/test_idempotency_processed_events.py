"""ProcessedEvents against a real Postgres: the handler's effect happens once per event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.db import create_async_engine_from_settings, infrastructure_tables
from huleedu_service_libs.idempotency import ProcessedEvents

pytestmark = pytest.mark.integration

CONSUMER = "test.handler"
_metadata = sa.MetaData()
_effects = sa.Table(
    "effects",
    _metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("event_id", sa.Text, nullable=False),
)
infrastructure_tables(_metadata)


@pytest.fixture
async def sessions(infra: Any) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = await infra.create_database(f"t_idem_{uuid4().hex[:12]}")
    engine = create_async_engine_from_settings(url, pool_size=12)
    async with engine.begin() as conn:
        await conn.run_sync(_metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def _handle(
    sessions: async_sessionmaker[AsyncSession], event_id: UUID, *, delay_s: float = 0.0
) -> bool:
    """A handler: record the event, then apply its effect, all in one transaction."""
    async with sessions() as session, session.begin():
        if not await ProcessedEvents().record_once(session, CONSUMER, event_id):
            return False
        await asyncio.sleep(delay_s)  # keep the transaction open while duplicates arrive
        await session.execute(sa.insert(_effects).values(event_id=str(event_id)))
        return True


async def _effect_count(sessions: async_sessionmaker[AsyncSession], event_id: UUID) -> int:
    async with sessions() as session:
        query = sa.select(sa.func.count()).where(_effects.c.event_id == str(event_id))
        return int((await session.execute(query)).scalar_one())


async def test_same_event_twice_has_one_effect(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id = uuid4()
    assert await _handle(sessions, event_id)
    assert not await _handle(sessions, event_id)
    assert await _effect_count(sessions, event_id) == 1


async def test_concurrent_duplicate_deliveries_have_one_effect(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id = uuid4()
    outcomes = await asyncio.gather(*(_handle(sessions, event_id, delay_s=0.1) for _ in range(8)))
    assert sorted(outcomes) == [False] * 7 + [True]
    assert await _effect_count(sessions, event_id) == 1


async def test_rollback_unrecords_the_event(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = uuid4()
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            assert await ProcessedEvents().record_once(session, CONSUMER, event_id)
            raise RuntimeError("handler failed after recording")
    async with sessions() as session:
        assert not await ProcessedEvents().is_processed(session, CONSUMER, event_id)
    assert await _handle(sessions, event_id)
    assert await _effect_count(sessions, event_id) == 1


async def test_records_are_per_consumer_and_purgeable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id, processed = uuid4(), ProcessedEvents()
    async with sessions() as session, session.begin():
        assert await processed.record_once(session, "consumer-a", event_id)
        assert await processed.record_once(session, "consumer-b", str(event_id))
        assert not await processed.record_once(session, "consumer-a", str(event_id))
    async with sessions() as session, session.begin():
        assert await processed.purge_older_than(session, timedelta(hours=1)) == 0
        assert await processed.purge_older_than(session, timedelta(0)) == 2
        assert not await processed.is_processed(session, "consumer-a", event_id)
