"""The gateway process's one Redis subscription: `PSUBSCRIBE ws:*`, fed into the hub.

One pattern subscription serves every socket of the process, whoever connects or leaves, so
a socket is reachable as soon as it is registered with the hub. A lost Redis connection is
retried with backoff; messages published meanwhile are lost (pub/sub is at-most-once and clients
re-read state over REST after a reconnect).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import structlog
from redis.asyncio.client import PubSub

from common_core.notifications import USER_CHANNEL_PREFIX
from huleedu_service_libs.redis_client import RedisClient

from .hub import NotificationHub

logger = structlog.stdlib.get_logger(__name__)

USER_CHANNEL_PATTERN = f"{USER_CHANNEL_PREFIX}*"


class RedisNotificationListener:
    def __init__(
        self,
        redis: RedisClient,
        hub: NotificationHub,
        *,
        poll_timeout_s: float = 1.0,
        retry_initial_s: float = 0.2,
        retry_max_s: float = 5.0,
        on_forward: Callable[[], None] | None = None,
    ) -> None:
        self._redis = redis
        self._hub = hub
        self._poll_timeout_s = poll_timeout_s
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._stopping = asyncio.Event()
        self.subscribed = asyncio.Event()
        self.forwarded = 0
        self._on_forward = on_forward

    @property
    def is_subscribed(self) -> bool:
        return self.subscribed.is_set()

    async def run(self) -> None:
        """Listen until `stop()`; reconnect after Redis errors."""
        delay = self._retry_initial_s
        while not self._stopping.is_set():
            try:
                await self._listen()
                delay = self._retry_initial_s
            except Exception as exc:  # any Redis failure: resubscribe after a pause
                self.subscribed.clear()
                logger.warning("notification subscription lost; retrying", error=repr(exc))
                await self._pause(delay)
                delay = min(delay * 2, self._retry_max_s)

    async def stop(self) -> None:
        self._stopping.set()

    async def _listen(self) -> None:
        pubsub = self._redis.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.psubscribe(USER_CHANNEL_PATTERN)
            self.subscribed.set()
            logger.info("subscribed to user notifications", pattern=USER_CHANNEL_PATTERN)
            await self._forward(pubsub)
        finally:
            self.subscribed.clear()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _forward(self, pubsub: PubSub) -> None:
        while not self._stopping.is_set():
            message: dict[str, Any] | None = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=self._poll_timeout_s
            )
            if message is None or message.get("type") != "pmessage":
                continue
            self._hub.dispatch_channel(str(message["channel"]), str(message["data"]))
            self.forwarded += 1
            if self._on_forward is not None:
                self._on_forward()

    async def _pause(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        except TimeoutError:
            pass
