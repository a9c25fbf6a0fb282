"""The API-level cache: serialized responses in Redis hashes, one per batch and one per user.

Keys (prefix `ras:cache` by default)::

    {prefix}:batch:{batch_id}:stamp          counter, raised on every change of the batch
    {prefix}:batch:{batch_id}:{stamp}        hash: part ("status", "essay:{id}") -> JSON body
    {prefix}:user:{user_id}:stamp / :{stamp} the same for the user's batch listings

A reader takes the current stamp and the cached part in one round trip (one script: this is
RAS's hottest path) and, on a miss, stores what it loads from Postgres under that stamp, so an
answer loaded just before a change lands under the old stamp and is never served after the
change. Invalidation deletes the current hash and raises the stamp (one script).
Every Redis failure is logged and bypassed: the caller then answers from Postgres.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from redis.exceptions import RedisError

from huleedu_service_libs.redis_client import RedisClient

from ..protocols import Loader

logger = structlog.get_logger(__name__)

T = TypeVar("T")

# KEYS: stamp keys; ARGV[1]: stamp TTL; ARGV[2..]: hash key prefixes, one per stamp key.
_INVALIDATE = """
for i, stamp_key in ipairs(KEYS) do
  local stamp = redis.call('GET', stamp_key) or '0'
  redis.call('DEL', ARGV[i + 1] .. stamp)
  redis.call('INCR', stamp_key)
  redis.call('EXPIRE', stamp_key, ARGV[1])
end
return 1
"""

# KEYS[1]: stamp key; ARGV[1]: hash key prefix; ARGV[2]: part. Returns {stamp} or {stamp, body}.
_READ = """
local stamp = redis.call('GET', KEYS[1]) or '0'
return {stamp, redis.call('HGET', ARGV[1] .. stamp, ARGV[2])}
"""

_CACHE_ERRORS = (RedisError, OSError, TimeoutError)


class RedisResponseCache:
    def __init__(self, redis: RedisClient, *, ttl_seconds: int, prefix: str = "ras:cache") -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        # A stamp must outlive every entry stored under it by far (it restarts at 0 if lost).
        self._stamp_ttl = max(86_400, 100 * ttl_seconds)
        self._prefix = prefix
        self._read_script: Any = None
        self._loading: dict[tuple[str, str], asyncio.Future[str | None]] = {}

    async def batch_response(self, batch_id: str, part: str, load: Loader) -> str | None:
        return await self._cached(f"{self._prefix}:batch:{batch_id}", part, load)

    async def user_response(self, user_id: str, part: str, load: Loader) -> str | None:
        return await self._cached(f"{self._prefix}:user:{user_id}", part, load)

    async def invalidate(self, batch_id: str, user_id: str) -> None:
        bases = [f"{self._prefix}:batch:{batch_id}", f"{self._prefix}:user:{user_id}"]
        keys = [f"{base}:stamp" for base in bases]
        args = [str(self._stamp_ttl), *(f"{base}:" for base in bases)]
        await self._safely(
            "invalidate", lambda: self._redis.redis.eval(_INVALIDATE, len(keys), *keys, *args)
        )

    async def _cached(self, base: str, part: str, load: Loader) -> str | None:
        found = await self._safely("read", lambda: self._read(base, part))
        if isinstance(found, _Bypass):
            return await _body(load)
        stamp, hit = found
        if hit is not None:
            return hit
        return await self._load_once(f"{base}:{stamp}", part, load)

    async def _load_once(self, entry: str, part: str, load: Loader) -> str | None:
        """Concurrent misses of one entry share one load: when a popular entry expires, Postgres
        sees one query, not one per waiting reader. The load runs as its own task, so a reader
        that gives up does not cancel it for the others."""
        key = (entry, part)
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load_and_store(entry, part, load))
            self._loading[key] = task
            task.add_done_callback(lambda done: self._load_finished(key, done))
        return await asyncio.shield(task)

    def _load_finished(self, key: tuple[str, str], task: asyncio.Future[str | None]) -> None:
        self._loading.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here too: every reader may have given up

    async def _load_and_store(self, entry: str, part: str, load: Loader) -> str | None:
        loaded = await load()
        if loaded is None:
            return None
        if loaded.cacheable:
            await self._safely("write", lambda: self._store(entry, part, loaded.body))
        return loaded.body

    async def _read(self, base: str, part: str) -> tuple[str, str | None]:
        """The current stamp of `base` and the cached `part` under it (None: not cached)."""
        if self._read_script is None:
            self._read_script = self._redis.redis.register_script(_READ)
        result = await self._read_script(keys=[f"{base}:stamp"], args=[f"{base}:", part])
        stamp = str(result[0])
        hit = result[1] if len(result) > 1 else None  # a miss comes back as [stamp, None]
        return stamp, (None if hit is None else str(hit))

    async def _store(self, entry: str, part: str, body: str) -> None:
        async with self._redis.redis.pipeline(transaction=True) as pipe:
            pipe.hset(entry, part, body)
            pipe.expire(entry, self._ttl)
            await pipe.execute()

    async def _safely(self, operation: str, call: Callable[[], Awaitable[T]]) -> T | _Bypass:
        try:
            return await call()
        except _CACHE_ERRORS as exc:
            logger.warning("response_cache_bypassed", operation=operation, error=repr(exc))
            return _Bypass()


class _Bypass:
    """The result of a failed Redis call: the cache is skipped for the rest of the request."""


async def _body(load: Loader) -> str | None:
    loaded = await load()
    return loaded.body if loaded is not None else None
