"""Publishing user notifications on Redis `ws:{user_id}` after a view change is committed.

Pub/sub is at-most-once by design: when Redis is down the notifications are logged as lost and
the view (which a reconnecting client re-reads over REST) is not held back.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from redis.exceptions import RedisError

from common_core.notifications import UserNotification
from huleedu_service_libs.redis_client import RedisClient

logger = structlog.get_logger(__name__)


class RedisNotifier:
    def __init__(self, redis: RedisClient) -> None:
        self._redis = redis

    async def publish(self, user_id: str, notifications: Sequence[UserNotification]) -> None:
        for index, notification in enumerate(notifications):
            try:
                await self._redis.publish_notification(user_id, notification)
            except (RedisError, OSError) as exc:
                logger.warning(
                    "notifications_lost",
                    user_id=user_id,
                    lost=[n.event.value for n in notifications[index:]],
                    first_seq=notification.data.seq,
                    error=repr(exc),
                )
                return


class SilentNotifier:
    """Publishes nothing (a rebuild replays history the users have already seen)."""

    async def publish(self, user_id: str, notifications: Sequence[UserNotification]) -> None:
        return None
