"""Postgres is the source of truth: a flushed, dead or restarted Redis never breaks pruning.

The app here has a Redis server of its own, so killing it disturbs no other test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
import redis.asyncio as redis
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from scripts.launcher.infra import InfraUrls
from scripts.launcher.servers import EmbeddedRedis
from services.batch_conductor_service.implementations.state_cache import cache_key

from .bcs_testing import (
    app_settings,
    define,
    phase_outcome,
    publish,
    running_app,
    wait_for,
    wait_for_version,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def redis_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("bcs-redis"))
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def redis_client(redis_server: EmbeddedRedis) -> AsyncIterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cached_client(
    infra: InfraUrls, bcs_database_url: str, redis_server: EmbeddedRedis
) -> AsyncIterator[QuartClient]:
    settings = app_settings(infra, bcs_database_url, redis_url=redis_server.url)
    async with running_app(settings) as client:
        yield client


async def is_cached(server: EmbeddedRedis, batch_id: str) -> bool:
    """Whether the batch's state is in Redis, asked on a new connection (survives restarts)."""
    client = redis.Redis.from_url(server.url)
    try:
        return bool(await client.exists(cache_key(batch_id)))
    finally:
        await client.aclose()


async def spellchecked_batch(infra: InfraUrls, engine: AsyncEngine, batch_id: str) -> None:
    await publish(infra.kafka_bootstrap, phase_outcome(batch_id, ["e1", "e2"]))
    await wait_for_version(engine, batch_id, 1)


async def resolved(client: QuartClient, batch_id: str) -> tuple[list[str], str]:
    status, body = await define(client, batch_id, "spellcheck")
    assert status == 200, body
    return body["pruned_phases"], body["analysis_summary"]["state_source"]


async def test_flushed_cache_is_rebuilt_from_postgres(
    cached_client: QuartClient,
    redis_client: redis.Redis,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    await spellchecked_batch(infra, bcs_engine, batch_id)
    await wait_for(lambda: redis_client.exists(cache_key(batch_id)), 1)
    assert await resolved(cached_client, batch_id) == (["spellcheck"], "cache")

    await redis_client.flushall()

    assert await resolved(cached_client, batch_id) == (["spellcheck"], "database")
    assert await redis_client.exists(cache_key(batch_id)) == 1
    assert await resolved(cached_client, batch_id) == (["spellcheck"], "cache")


async def test_redis_outage_answers_from_postgres_and_restart_heals_the_cache(
    cached_client: QuartClient,
    redis_server: EmbeddedRedis,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    before, during = id_factory("batch"), id_factory("batch")
    await spellchecked_batch(infra, bcs_engine, before)
    await wait_for(lambda: is_cached(redis_server, before), True)

    await asyncio.to_thread(redis_server.kill)
    started = time.perf_counter()
    assert await resolved(cached_client, before) == (["spellcheck"], "database_fallback")
    assert time.perf_counter() - started < 2.0
    # Applied in Postgres while Redis is down; the consumer retries until the cache has it.
    await spellchecked_batch(infra, bcs_engine, during)
    assert await resolved(cached_client, during) == (["spellcheck"], "database_fallback")

    await asyncio.to_thread(redis_server.start)  # same port, empty
    await wait_for(lambda: is_cached(redis_server, during), True)
    assert await resolved(cached_client, during) == (["spellcheck"], "cache")
    assert await resolved(cached_client, before) == (["spellcheck"], "database")
