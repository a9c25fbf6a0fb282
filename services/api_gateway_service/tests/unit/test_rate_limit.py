"""Fixed-window decisions and the limiter over a fake window counter."""

from __future__ import annotations

import pytest

from services.api_gateway_service.domain.rate_limit import (
    RateLimiter,
    RateLimitRule,
    RouteClass,
    WindowCount,
    decide,
    limit_key,
)

RULE = RateLimitRule(limit=3, window_seconds=60)


class FakeCounter:
    """Counts per key; the window's remaining time is set by the test."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.ttl_ms = 60_000

    async def hit(self, key: str, window_seconds: int) -> WindowCount:
        self.counts[key] = self.counts.get(key, 0) + 1
        return WindowCount(self.counts[key], min(self.ttl_ms, window_seconds * 1000))

    def expire_all(self) -> None:
        self.counts.clear()


@pytest.mark.parametrize(
    ("count", "allowed", "remaining"), [(1, True, 2), (3, True, 0), (4, False, 0), (10, False, 0)]
)
def test_decide_allows_up_to_the_limit(count: int, allowed: bool, remaining: int) -> None:
    decision = decide(WindowCount(count, 30_000), RULE)

    assert (decision.allowed, decision.remaining, decision.limit) == (allowed, remaining, 3)


@pytest.mark.parametrize(("ttl_ms", "retry_after"), [(30_000, 30), (1_500, 2), (1, 1), (-1, 60)])
def test_retry_after_rounds_the_window_rest_up(ttl_ms: int, retry_after: int) -> None:
    assert decide(WindowCount(4, ttl_ms), RULE).retry_after_seconds == retry_after


def test_allowed_requests_have_no_retry_after() -> None:
    assert decide(WindowCount(1, 30_000), RULE).retry_after_seconds == 0


def test_invalid_rules_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimitRule(0, 60)
    with pytest.raises(ValueError):
        RateLimitRule(5, 0)


async def test_limits_are_per_user_and_per_route() -> None:
    counter = FakeCounter()
    limiter = RateLimiter(counter, {RouteClass.READ: RULE, RouteClass.WRITE: RateLimitRule(1, 60)})

    reads = [await limiter.check("status", RouteClass.READ, "u1") for _ in range(4)]
    other_route = await limiter.check("list", RouteClass.READ, "u1")
    other_user = await limiter.check("status", RouteClass.READ, "u2")
    writes = [await limiter.check("register", RouteClass.WRITE, "u1") for _ in range(2)]

    assert [d.allowed for d in reads] == [True, True, True, False]
    assert other_route.allowed and other_user.allowed
    assert [d.allowed for d in writes] == [True, False]
    assert set(counter.counts) == {
        limit_key("status", "u1"),
        limit_key("list", "u1"),
        limit_key("status", "u2"),
        limit_key("register", "u1"),
    }


async def test_a_new_window_allows_again() -> None:
    counter = FakeCounter()
    limiter = RateLimiter(counter, {RouteClass.READ: RULE})
    for _ in range(4):
        await limiter.check("status", RouteClass.READ, "u1")

    counter.expire_all()

    assert (await limiter.check("status", RouteClass.READ, "u1")).allowed
