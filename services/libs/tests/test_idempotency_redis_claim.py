"""RedisEventClaim against a real Redis: once-only handling, expiry after a crash, release."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest

from huleedu_service_libs.idempotency import (
    ClaimInProgressError,
    ClaimStatus,
    RedisEventClaim,
)
from huleedu_service_libs.redis_client import RedisClient

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis_client(infra: Any) -> AsyncIterator[RedisClient]:
    async with RedisClient(infra.redis_url) as client:
        yield client


@pytest.fixture
def claims(redis_client: RedisClient) -> RedisEventClaim:
    return RedisEventClaim(redis_client, handler_timeout_s=5, ttl_margin_s=1)


def _key(claims: RedisEventClaim) -> str:
    return claims.key_for("test-consumer", uuid4())


class Counter:
    def __init__(self, delay_s: float = 0.0, fail: bool = False) -> None:
        self.calls = 0
        self._delay_s = delay_s
        self._fail = fail

    async def __call__(self) -> None:
        self.calls += 1
        await asyncio.sleep(self._delay_s)
        if self._fail:
            raise RuntimeError("handler failed")


async def test_same_event_twice_runs_handler_once(claims: RedisEventClaim) -> None:
    key, handler = _key(claims), Counter()
    first = await claims.run_once(key, handler)
    second = await claims.run_once(key, handler)
    assert (first.status, second.status) == (ClaimStatus.CLAIMED, ClaimStatus.DONE)
    assert handler.calls == 1


async def test_concurrent_duplicates_run_handler_once(claims: RedisEventClaim) -> None:
    key, handler = _key(claims), Counter(delay_s=0.2)
    results = await asyncio.gather(
        *(claims.run_once(key, handler) for _ in range(10)), return_exceptions=True
    )
    claimed = [r for r in results if not isinstance(r, BaseException) and r.acquired]
    in_progress = [r for r in results if isinstance(r, ClaimInProgressError)]
    assert (len(claimed), len(in_progress), handler.calls) == (1, 9, 1)
    # The redelivery of a loser, after the winner finished, sees "done" and does nothing.
    assert (await claims.run_once(key, handler)).status is ClaimStatus.DONE
    assert handler.calls == 1


async def test_claim_of_a_crashed_worker_expires_and_is_claimable(
    redis_client: RedisClient,
) -> None:
    claims = RedisEventClaim(redis_client, handler_timeout_s=0.2, ttl_margin_s=0.1)
    key = _key(claims)
    crashed = await claims.try_claim(key)  # the worker dies: neither done nor released
    assert crashed.acquired
    assert (await claims.try_claim(key)).status is ClaimStatus.IN_PROGRESS
    await asyncio.sleep(0.4)
    handler = Counter()
    assert (await claims.run_once(key, handler)).acquired
    assert handler.calls == 1


async def test_failed_handler_releases_claim_so_redelivery_runs(
    claims: RedisEventClaim, redis_client: RedisClient
) -> None:
    key = _key(claims)
    with pytest.raises(RuntimeError, match="handler failed"):
        await claims.run_once(key, Counter(fail=True))
    assert await redis_client.get(key) is None
    retry = Counter()
    assert (await claims.run_once(key, retry)).acquired
    assert retry.calls == 1
    assert await redis_client.get(key) == "done"


async def test_handler_exceeding_timeout_is_cancelled_and_released(
    redis_client: RedisClient,
) -> None:
    claims = RedisEventClaim(redis_client, handler_timeout_s=0.1, ttl_margin_s=1)
    key = _key(claims)
    with pytest.raises(TimeoutError):
        await claims.run_once(key, Counter(delay_s=1.0))
    assert await redis_client.get(key) is None


async def test_release_leaves_a_claim_that_is_no_longer_ours(redis_client: RedisClient) -> None:
    claims = RedisEventClaim(redis_client, handler_timeout_s=0.05, ttl_margin_s=0.05)
    key = _key(claims)
    stale = await claims.try_claim(key)
    await asyncio.sleep(0.2)
    current = await claims.try_claim(key)
    assert current.acquired
    assert not await claims.release(stale)
    assert (await claims.try_claim(key)).status is ClaimStatus.IN_PROGRESS
    assert await claims.release(current)
