"""Structural types of the Redis client.

Services depend on these protocols (and get `RedisClient` injected), so unit tests of their
logic can pass small in-memory fakes.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar, runtime_checkable

from redis.asyncio.client import Pipeline, PubSub

from common_core.notifications import NotificationData, NotificationName, UserNotification

T = TypeVar("T")


@runtime_checkable
class RedisClientProtocol(Protocol):
    """Key operations and pub/sub of `RedisClient`."""

    async def ping(self) -> bool: ...

    async def get(self, key: str) -> str | None: ...

    async def set(
        self, key: str, value: str | int | float, *, ex: int | None = None, nx: bool = False
    ) -> bool: ...

    async def delete(self, *keys: str) -> int: ...

    async def exists(self, *keys: str) -> int: ...

    async def expire(self, key: str, seconds: int) -> bool: ...

    async def incr(self, key: str, amount: int = 1) -> int: ...

    async def hget(self, key: str, field: str) -> str | None: ...

    async def hset(self, key: str, mapping: Mapping[str, str | int | float]) -> int: ...

    async def hgetall(self, key: str) -> dict[str, str]: ...

    async def sadd(self, key: str, *members: str) -> int: ...

    async def smembers(self, key: str) -> builtins.set[str]: ...

    async def publish(self, channel: str, message: str | bytes) -> int: ...

    def subscribe(self, *channels: str) -> AbstractAsyncContextManager[PubSub]: ...

    def get_user_channel(self, user_id: str) -> str: ...

    async def publish_user_notification(
        self,
        user_id: str,
        event: NotificationName | str,
        data: NotificationData | Mapping[str, Any],
    ) -> int: ...

    async def publish_notification(self, user_id: str, notification: UserNotification) -> int: ...


@runtime_checkable
class AtomicRedisClientProtocol(RedisClientProtocol, Protocol):
    """`RedisClientProtocol` plus WATCH/MULTI/EXEC updates."""

    async def watch_transaction(
        self,
        keys: Sequence[str],
        fn: Callable[[Pipeline], Awaitable[T]],
        *,
        max_retries: int = 20,
    ) -> T: ...

    async def update_json(
        self,
        key: str,
        update: Callable[[dict[str, Any] | None], dict[str, Any]],
        *,
        ex: int | None = None,
        max_retries: int = 20,
    ) -> dict[str, Any]: ...
