"""The batch state projection: Postgres is the source of truth, Redis caches it.

Writes (one consumed event): in one transaction the event is recorded in `processed_events`,
the batch's version is bumped and the change applied; the resulting state, read in that same
transaction, then replaces the cached one (never with an older version). A Redis failure at
that point raises, so the consumer retries the event: the duplicate is not applied again but
its state is written to the cache again, and the offset is committed only once both stores
agree.

Reads: the cache; on a miss, Postgres, and the cache is filled; when Redis is unavailable,
Postgres alone (logged), so a Redis loss never fails a resolution.
"""

from __future__ import annotations

from uuid import UUID

import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.redis_client import RedisNotStartedError

from .domain.batch_state import BatchState, StateSource
from .domain.projection import ProjectionUpdate
from .metrics import BCSMetrics
from .protocols import BatchStateCache, BatchStateRepository

logger = structlog.get_logger(__name__)

# What a broken or unreachable cache raises; ValueError covers a corrupt cached document.
CACHE_ERRORS: tuple[type[Exception], ...] = (
    RedisError,
    RedisNotStartedError,
    OSError,
    TimeoutError,
    ValueError,
)


class BatchStateStore:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchStateRepository,
        cache: BatchStateCache,
        processed: ProcessedEvents,
        metrics: BCSMetrics,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._cache = cache
        self._processed = processed
        self._metrics = metrics

    async def apply_event(
        self, consumer: str, event_id: UUID | str, update: ProjectionUpdate
    ) -> bool:
        """Apply `update` once per (consumer, event_id); True when it was new."""
        async with self._sessions() as session, session.begin():
            is_new = await self._processed.record_once(session, consumer, event_id)
            if is_new:
                await self._repository.bump_version(session, update.batch_id)
                await self._repository.apply(session, update)
            state = await self._repository.load(session, update.batch_id)
        await self._cache.store(state)
        return is_new

    async def read(self, batch_id: str) -> tuple[BatchState, StateSource]:
        try:
            cached = await self._cache.get(batch_id)
        except CACHE_ERRORS as exc:
            _log_cache_unavailable("read", exc)
            fallback = StateSource.DATABASE_FALLBACK
            return await self._from_database(batch_id, fallback), fallback
        if cached is not None:
            self._metrics.state_reads.labels(StateSource.CACHE.value).inc()
            return cached, StateSource.CACHE
        state = await self._from_database(batch_id, StateSource.DATABASE)
        try:
            await self._cache.store(state)
        except CACHE_ERRORS as exc:
            _log_cache_unavailable("fill", exc)
        return state, StateSource.DATABASE

    async def _from_database(self, batch_id: str, source: StateSource) -> BatchState:
        async with self._sessions() as session, session.begin():
            state = await self._repository.load(session, batch_id)
        self._metrics.state_reads.labels(source.value).inc()
        return state


def _log_cache_unavailable(operation: str, exc: Exception) -> None:
    logger.warning(
        "state_cache_unavailable_using_postgres",
        operation=operation,
        error_type=type(exc).__name__,
        error=str(exc)[:300],
    )
