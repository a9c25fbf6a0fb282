"""Fixed-window rate limits per user and per route.

The counter of a (route, user) pair lives in a shared store (Redis), so the limit holds across
gateway instances: the first request of a window creates the counter with the window's expiry,
every request increments it, and a request beyond the limit is refused until the counter expires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

KEY_PREFIX = "gateway:ratelimit"


class RouteClass(StrEnum):
    """Routes grouped by cost; each class has its own limit."""

    READ = "read"
    WRITE = "write"
    UPLOAD = "upload"


@dataclass(frozen=True)
class RateLimitRule:
    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1:
            raise ValueError("a rate limit needs limit >= 1 and window_seconds >= 1")


@dataclass(frozen=True)
class WindowCount:
    """The counter after this request and the milliseconds left in its window."""

    count: int
    ttl_ms: int


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


class WindowCounter(Protocol):
    async def hit(self, key: str, window_seconds: int) -> WindowCount:
        """Count one request in the window of `key`, starting the window if there is none."""
        ...


def limit_key(route: str, user_id: str) -> str:
    return f"{KEY_PREFIX}:{route}:{user_id}"


def decide(window: WindowCount, rule: RateLimitRule) -> RateLimitDecision:
    """Whether the request that produced `window` may proceed, and when to retry if not."""
    allowed = window.count <= rule.limit
    remaining = max(rule.limit - window.count, 0)
    # A counter without expiry (cannot happen with the atomic script) waits a whole window.
    ttl_ms = window.ttl_ms if window.ttl_ms > 0 else rule.window_seconds * 1000
    retry_after = 0 if allowed else max(1, math.ceil(ttl_ms / 1000))
    return RateLimitDecision(allowed, rule.limit, remaining, retry_after)


class RateLimiter:
    """Applies one rule per route class with a shared window counter."""

    def __init__(self, counter: WindowCounter, rules: dict[RouteClass, RateLimitRule]) -> None:
        self._counter = counter
        self._rules = dict(rules)

    def rule(self, route_class: RouteClass) -> RateLimitRule:
        return self._rules[route_class]

    async def check(self, route: str, route_class: RouteClass, user_id: str) -> RateLimitDecision:
        rule = self._rules[route_class]
        window = await self._counter.hit(limit_key(route, user_id), rule.window_seconds)
        return decide(window, rule)
