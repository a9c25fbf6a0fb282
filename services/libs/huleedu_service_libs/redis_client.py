"""RedisClient: the one Redis wrapper services use (key ops, atomic updates, pub/sub).

User notifications travel on channel `ws:{user_id}` as one JSON document, the
`common_core.notifications.UserNotification` model::

    {"event": "<name>", "data": {"batch_id": "...", "seq": 3, "timestamp": "...", ...}}

`publish_user_notification` validates and serialises exactly that; the gateway forwards it
unchanged to the user's WebSockets. Pub/sub is at-most-once: a subscriber that was away
re-reads state over REST.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import redis.asyncio as redis
from redis.asyncio.client import Pipeline, PubSub
from redis.exceptions import WatchError

from common_core.notifications import (
    NotificationData,
    NotificationName,
    UserNotification,
    user_channel,
)
from huleedu_service_libs.errors import TransientError

__all__ = [
    "AtomicUpdateConflictError",
    "RedisClient",
    "RedisNotStartedError",
    "get_user_channel",
    "notification_message",
]

T = TypeVar("T")
JsonObject = dict[str, Any]


class RedisNotStartedError(RuntimeError):
    """The client was used before `start()` or after `aclose()`."""


class AtomicUpdateConflictError(TransientError):
    """A WATCH/MULTI/EXEC update kept losing to concurrent writers; retry later."""


def get_user_channel(user_id: str) -> str:
    """The pub/sub channel of one user's notifications: `ws:{user_id}`."""
    return user_channel(user_id)


def notification_message(
    event: NotificationName | str, data: NotificationData | Mapping[str, Any]
) -> str:
    """Validate and serialise a notification as `{"event": ..., "data": {...}}`.

    Raises `pydantic.ValidationError` for an unknown event or data that does not fit it.
    """
    payload = data if isinstance(data, NotificationData) else dict(data)
    return UserNotification.model_validate({"event": event, "data": payload}).model_dump_json()


class RedisClient:
    """redis.asyncio client on a `BlockingConnectionPool` (waits instead of failing when busy).

    Values are returned decoded as `str`. Call `start()` before use and `aclose()` at shutdown.
    """

    def __init__(
        self,
        url: str,
        *,
        max_connections: int = 50,
        socket_timeout: float = 5,
        pool_timeout: float = 10,
    ) -> None:
        self._url = url
        self._max_connections = max_connections
        self._socket_timeout = socket_timeout
        self._pool_timeout = pool_timeout
        self._redis: redis.Redis | None = None

    @property
    def redis(self) -> redis.Redis:
        """The underlying client, for commands this wrapper does not cover."""
        if self._redis is None:
            raise RedisNotStartedError("RedisClient used before start() or after aclose()")
        return self._redis

    async def start(self) -> None:
        """Create the pool and check the server answers."""
        if self._redis is not None:
            return
        pool = redis.BlockingConnectionPool.from_url(
            self._url,
            max_connections=self._max_connections,
            timeout=self._pool_timeout,
            socket_timeout=self._socket_timeout,
            socket_connect_timeout=self._socket_timeout,
            decode_responses=True,
        )
        self._redis = redis.Redis(connection_pool=pool)
        try:
            await self._redis.ping()
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Close the client and its pool; idempotent."""
        client, self._redis = self._redis, None
        if client is not None:
            await client.aclose(close_connection_pool=True)

    async def __aenter__(self) -> RedisClient:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # -- key operations ------------------------------------------------------------------------

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def get(self, key: str) -> str | None:
        return cast("str | None", await self.redis.get(key))

    async def set(
        self, key: str, value: str | int | float, *, ex: int | None = None, nx: bool = False
    ) -> bool:
        """SET with optional expiry (seconds) and NX; False when NX prevented the write."""
        return bool(await self.redis.set(key, value, ex=ex, nx=nx))

    async def delete(self, *keys: str) -> int:
        return int(await self.redis.delete(*keys))

    async def exists(self, *keys: str) -> int:
        return int(await self.redis.exists(*keys))

    async def expire(self, key: str, seconds: int) -> bool:
        return bool(await self.redis.expire(key, seconds))

    async def ttl(self, key: str) -> int:
        return int(await self.redis.ttl(key))

    async def incr(self, key: str, amount: int = 1) -> int:
        return int(await self.redis.incr(key, amount))

    async def hget(self, key: str, field: str) -> str | None:
        return cast("str | None", await self.redis.hget(key, field))

    async def hset(self, key: str, mapping: Mapping[str, str | int | float]) -> int:
        fields: dict[Any, Any] = dict(mapping)
        return int(await self.redis.hset(key, mapping=fields))

    async def hgetall(self, key: str) -> dict[str, str]:
        return cast("dict[str, str]", await self.redis.hgetall(key))

    async def sadd(self, key: str, *members: str) -> int:
        return int(await self.redis.sadd(key, *members))

    async def smembers(self, key: str) -> builtins.set[str]:
        return cast("builtins.set[str]", await self.redis.smembers(key))

    # -- atomic updates ------------------------------------------------------------------------

    async def watch_transaction(
        self,
        keys: Sequence[str],
        fn: Callable[[Pipeline], Awaitable[T]],
        *,
        max_retries: int = 20,
    ) -> T:
        """Run `fn` under WATCH on `keys`, retrying when a watched key changed before EXEC.

        `fn` gets a pipeline in immediate mode: it reads with `await pipe.get(...)`, then calls
        `pipe.multi()` and queues its writes. The helper executes the transaction and returns
        what `fn` returned. Raises `AtomicUpdateConflictError` after `max_retries` conflicts.
        """
        for _attempt in range(max_retries + 1):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*keys)
                    result = await fn(pipe)
                    await pipe.execute()
                    return result
                except WatchError:
                    continue
        raise AtomicUpdateConflictError(
            f"watched keys {list(keys)} changed on each of {max_retries + 1} attempts"
        )

    async def update_json(
        self,
        key: str,
        update: Callable[[JsonObject | None], JsonObject],
        *,
        ex: int | None = None,
        max_retries: int = 20,
    ) -> JsonObject:
        """Atomically replace the JSON object at `key` with `update(current)`; return it."""

        async def apply(pipe: Pipeline) -> JsonObject:
            raw = await pipe.get(key)
            new_value = update(json.loads(raw) if raw is not None else None)
            pipe.multi()  # type: ignore[no-untyped-call]
            pipe.set(key, json.dumps(new_value), ex=ex)
            return new_value

        return await self.watch_transaction([key], apply, max_retries=max_retries)

    # -- pub/sub -------------------------------------------------------------------------------

    async def publish(self, channel: str, message: str | bytes) -> int:
        """Publish on `channel`; return the number of subscribers that received it."""
        return int(await self.redis.publish(channel, message))

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[PubSub]:
        """Subscribe to `channels`; the PubSub is unsubscribed and closed on exit.

        Subscription confirmations are not yielded as messages (`ignore_subscribe_messages`).
        """
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(*channels)
            yield pubsub
        finally:
            try:
                if pubsub.connection is not None:
                    await pubsub.unsubscribe()
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def get_user_channel(self, user_id: str) -> str:
        return get_user_channel(user_id)

    async def publish_user_notification(
        self,
        user_id: str,
        event: NotificationName | str,
        data: NotificationData | Mapping[str, Any],
    ) -> int:
        """Publish `{"event": event, "data": data}` on `ws:{user_id}`; return receivers."""
        return await self.publish(get_user_channel(user_id), notification_message(event, data))

    async def publish_notification(self, user_id: str, notification: UserNotification) -> int:
        """Publish an already built notification on `ws:{user_id}`; return receivers."""
        return await self.publish(get_user_channel(user_id), notification.model_dump_json())
