"""The API-level response cache against the real Redis: one load per stamp, served from Redis
until an invalidation raises the stamp."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from huleedu_service_libs.redis_client import RedisClient
from services.result_aggregator_service.implementations.response_cache import (
    RedisResponseCache,
)
from services.result_aggregator_service.protocols import Loaded


class CountingLoader:
    def __init__(self, body: str, *, cacheable: bool = True) -> None:
        self.body = body
        self.cacheable = cacheable
        self.calls = 0

    async def __call__(self) -> Loaded:
        self.calls += 1
        return Loaded(self.body, cacheable=self.cacheable)


async def test_a_part_is_loaded_once_then_served_from_redis(
    redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    cache = RedisResponseCache(redis, ttl_seconds=60, prefix=id_factory("cache"))
    batch_id = id_factory("batch")
    load = CountingLoader('{"status":"ready"}')

    first = await cache.batch_response(batch_id, "status", load)
    second = await cache.batch_response(batch_id, "status", load)

    assert (first, second, load.calls) == ('{"status":"ready"}', '{"status":"ready"}', 1)


async def test_concurrent_misses_share_one_load(
    redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    cache = RedisResponseCache(redis, ttl_seconds=60, prefix=id_factory("cache"))
    batch_id = id_factory("batch")
    started, release = asyncio.Event(), asyncio.Event()
    calls = 0

    async def slow_load() -> Loaded:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return Loaded('{"status":"ready"}')

    readers = [
        asyncio.create_task(cache.batch_response(batch_id, "status", slow_load)) for _ in range(20)
    ]
    await asyncio.wait_for(started.wait(), timeout=30)
    # Time for the other readers' cache reads; a late one finds the stored answer instead.
    await asyncio.sleep(0.5)
    release.set()

    assert set(await asyncio.gather(*readers)) == {'{"status":"ready"}'}
    assert calls == 1


async def test_an_invalidation_makes_the_next_read_load_again(
    redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    cache = RedisResponseCache(redis, ttl_seconds=60, prefix=id_factory("cache"))
    batch_id, user_id = id_factory("batch"), id_factory("teacher")
    old, new = CountingLoader('{"seq":1}'), CountingLoader('{"seq":2}')
    await cache.batch_response(batch_id, "status", old)

    await cache.invalidate(batch_id, user_id)

    assert await cache.batch_response(batch_id, "status", new) == '{"seq":2}'
    assert await cache.batch_response(batch_id, "status", old) == '{"seq":2}'
    assert (old.calls, new.calls) == (1, 1)


async def test_unknown_and_uncacheable_answers_are_not_stored(
    redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    cache = RedisResponseCache(redis, ttl_seconds=60, prefix=id_factory("cache"))
    batch_id = id_factory("batch")
    partial = CountingLoader('{"text":null}', cacheable=False)

    async def unknown() -> None:
        return None

    assert await cache.batch_response(batch_id, "status", unknown) is None
    await cache.batch_response(batch_id, "essay:e1", partial)
    await cache.batch_response(batch_id, "essay:e1", partial)

    assert partial.calls == 2
