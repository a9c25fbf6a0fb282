"""Effectively-once handling: processed-event records (Postgres) and event claims (Redis)."""

from huleedu_service_libs.idempotency.processed_events import ProcessedEvents
from huleedu_service_libs.idempotency.redis_claim import (
    Claim,
    ClaimInProgressError,
    ClaimStatus,
    RedisEventClaim,
)

__all__ = [
    "Claim",
    "ClaimInProgressError",
    "ClaimStatus",
    "ProcessedEvents",
    "RedisEventClaim",
]
