"""The API-level cache: serialized responses in Redis hashes, one per batch and one per user.

Keys (prefix `ras:cache` by default)::

    {prefix}:batch:{batch_id}:stamp          counter, raised on every change of the batch
    {prefix}:batch:{batch_id}:{stamp}        hash: part ("status", "essay:{id}") -> JSON body
    {prefix}:user:{user_id}:stamp / :{stamp} the same for the user's batch listings

A reader takes the current stamp before loading from Postgres and stores its answer under that
stamp, so an answer loaded just before a change lands under the old stamp and is never served
after the change. Invalidation deletes the current hash and raises the stamp (one script).
Every Redis failure is logged and bypassed: the caller then answers from Postgres.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

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

_CACHE_ERRORS = (RedisError, OSError, TimeoutError)


class RedisResponseCache:
    def __init__(self, redis: RedisClient, *, ttl_seconds: int, prefix: str = "ras:cache") -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        # A stamp must outlive every entry stored under it by far (it restarts at 0 if lost).
        self._stamp_ttl = max(86_400, 100 * ttl_seconds)
        self._prefix = prefix

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
        stamp = await self._safely("read_stamp", lambda: self._redis.get(f"{base}:stamp"))
        if isinstance(stamp, _Bypass):
            return await _body(load)
        entry = f"{base}:{stamp or '0'}"
        hit = await self._safely("read", lambda: self._redis.hget(entry, part))
        if isinstance(hit, str):
            return hit
        loaded = await load()
        if loaded is None:
            return None
        if loaded.cacheable and not isinstance(hit, _Bypass):
            await self._safely("write", lambda: self._store(entry, part, loaded.body))
        return loaded.body

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
