"""Idempotency for services without a database: a claim per event in Redis.

A claim is `processing:<token>` with a TTL just over the handler timeout while the handler runs,
and `done` with a long TTL once its result is published. A failing handler releases its claim
so a redelivery runs it again; a killed worker's claim simply expires, so the message is handled
again rather than skipped. Typical use in a consumer handler::

    claims = RedisEventClaim(redis_client, handler_timeout_s=60)
    await claims.run_once(claims.key_for("spellchecker", envelope.event_id), handle)

`run_once` raises `ClaimInProgressError` (transient) while another worker holds the claim, so
the consumer retries later instead of committing past a message that may still be lost.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from huleedu_service_libs.errors import TransientError
from huleedu_service_libs.redis_client import RedisClient

DONE_VALUE = "done"
PROCESSING_PREFIX = "processing:"

# Returns nil when the claim was taken, else the value that is already there.
_CLAIM_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
"""
# Deletes the claim only while it still holds our token.
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of `try_claim`; `token` identifies our claim for `release`."""

    key: str
    status: ClaimStatus
    token: str | None = None

    @property
    def acquired(self) -> bool:
        return self.status is ClaimStatus.CLAIMED


class ClaimInProgressError(TransientError):
    """Another worker is handling this event right now; try again later."""


class RedisEventClaim:
    """Claims events in Redis so that each is handled once across workers."""

    def __init__(
        self,
        redis: RedisClient,
        *,
        handler_timeout_s: float = 60,
        ttl_margin_s: float = 10,
        done_ttl_s: int = 7 * 24 * 3600,
        key_prefix: str = "huleedu:claim",
    ) -> None:
        self._redis = redis
        self.handler_timeout_s = handler_timeout_s
        self.processing_ttl_ms = max(1, round((handler_timeout_s + ttl_margin_s) * 1000))
        self.done_ttl_s = done_ttl_s
        self._key_prefix = key_prefix

    def key_for(self, consumer: str, event_id: UUID | str) -> str:
        """The claim key of one event for one consumer."""
        return f"{self._key_prefix}:{consumer}:{event_id}"

    async def try_claim(self, key: str) -> Claim:
        """Claim `key` as processing; the result says whether we got it or who has it."""
        token = secrets.token_hex(8)
        current = await self._redis.redis.eval(
            _CLAIM_SCRIPT, 1, key, PROCESSING_PREFIX + token, self.processing_ttl_ms
        )
        if current is None:
            return Claim(key, ClaimStatus.CLAIMED, token)
        if current == DONE_VALUE:
            return Claim(key, ClaimStatus.DONE)
        return Claim(key, ClaimStatus.IN_PROGRESS)

    async def mark_done(self, claim: Claim) -> None:
        """Record the event as handled for `done_ttl_s` seconds."""
        await self._redis.set(claim.key, DONE_VALUE, ex=self.done_ttl_s)

    async def release(self, claim: Claim) -> bool:
        """Drop our processing claim so a redelivery handles the event; False if not ours."""
        if claim.token is None:
            return False
        deleted = await self._redis.redis.eval(
            _RELEASE_SCRIPT, 1, claim.key, PROCESSING_PREFIX + claim.token
        )
        return bool(deleted)

    @asynccontextmanager
    async def handling(self, key: str) -> AsyncIterator[Claim]:
        """Claim `key` around a block: done on success, released on error.

        The block must check `claim.acquired` and do nothing when it is False.
        """
        claim = await self.try_claim(key)
        if not claim.acquired:
            yield claim
            return
        try:
            yield claim
        except BaseException:
            await asyncio.shield(self.release(claim))
            raise
        await self.mark_done(claim)

    async def run_once(self, key: str, handler: Callable[[], Awaitable[object]]) -> Claim:
        """Run `handler` unless the event is done; raise `ClaimInProgressError` if claimed.

        The handler runs under the claim's timeout so it cannot outlive its claim.
        """
        async with self.handling(key) as claim:
            if claim.status is ClaimStatus.IN_PROGRESS:
                raise ClaimInProgressError(f"event claim {key} is held by another worker")
            if claim.acquired:
                async with asyncio.timeout(self.handler_timeout_s):
                    await handler()
        return claim
