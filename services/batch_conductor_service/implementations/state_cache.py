"""The Redis cache of batch states: one JSON document per batch, replaced atomically.

Writes go through `RedisClient.update_json` (WATCH/MULTI/EXEC with retry) and keep whichever
state has the higher version, so concurrent writers (a consumer applying an event, a reader
filling a miss) can never replace a newer state with an older one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError

from huleedu_service_libs.redis_client import RedisClient

from ..domain.batch_state import BatchState

KEY_PREFIX = "bcs:batch_state:"
T = TypeVar("T")


def cache_key(batch_id: str) -> str:
    return f"{KEY_PREFIX}{batch_id}"


def newer_of(current: dict[str, Any] | None, candidate: BatchState) -> dict[str, Any]:
    """The cached document to keep: `candidate` unless the current one is at least as new."""
    if current is not None and int(current.get("version", -1)) >= candidate.version:
        return current
    return candidate.model_dump(mode="json")


class RedisBatchStateCache:
    """Batch states in Redis, every operation bounded by `timeout_s`.

    The client is (re)connected on use, so a Redis that was down when the service started is
    picked up once it is back.
    """

    def __init__(self, redis: RedisClient, *, ttl_seconds: int, timeout_s: float) -> None:
        self._redis = redis
        self._ttl_seconds = ttl_seconds
        self._timeout_s = timeout_s

    async def get(self, batch_id: str) -> BatchState | None:
        async with asyncio.timeout(self._timeout_s):
            raw = await self._with_reconnect(lambda: self._redis.get(cache_key(batch_id)))
        return None if raw is None else BatchState.model_validate_json(raw)

    async def store(self, state: BatchState) -> None:
        async with asyncio.timeout(self._timeout_s):
            await self._with_reconnect(
                lambda: self._redis.update_json(
                    cache_key(state.batch_id),
                    lambda current: newer_of(current, state),
                    ex=self._ttl_seconds,
                )
            )

    async def _with_reconnect(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run `operation`, once more after a connection error: after a Redis restart each
        idle pooled connection fails on its first use, and the retry gets a fresh one."""
        await self._redis.start()
        try:
            return await operation()
        except RedisConnectionError:
            await self._redis.start()
            return await operation()
