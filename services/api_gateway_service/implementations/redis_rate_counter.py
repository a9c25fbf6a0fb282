"""The rate-limit window counter in Redis: one atomic script, INCR then PEXPIRE on first use."""

from __future__ import annotations

from typing import Any

from huleedu_service_libs.redis_client import RedisClient

from ..domain.rate_limit import WindowCount

# INCR and the expiry in one atomic step, so a counter can never be left without expiry.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
"""


class RedisWindowCounter:
    def __init__(self, redis: RedisClient) -> None:
        self._redis = redis
        self._script: Any = None

    async def hit(self, key: str, window_seconds: int) -> WindowCount:
        if self._script is None:
            self._script = self._redis.redis.register_script(_HIT_SCRIPT)
        count, ttl_ms = await self._script(keys=[key], args=[window_seconds * 1000])
        return WindowCount(int(count), int(ttl_ms))
