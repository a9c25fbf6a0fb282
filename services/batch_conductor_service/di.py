"""The dishka container of BCS: shared infrastructure providers plus the BCS services."""

from __future__ import annotations

from collections.abc import AsyncIterator

import structlog
from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.errors import is_transient
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.providers import (
    DatabaseProvider,
    KafkaProvider,
    PlainSessionsProvider,
    SettingsProvider,
)
from huleedu_service_libs.redis_client import RedisClient

from .batch_state_store import BatchStateStore
from .config import BCSSettings
from .domain.pipeline_catalog import PipelineCatalog
from .implementations.dead_letters import KafkaResolutionDeadLetters
from .implementations.state_cache import RedisBatchStateCache
from .implementations.state_repository import PostgresBatchStateRepository
from .metrics import BCSMetrics
from .projection_handlers import ProjectionHandlers
from .protocols import BatchStateCache, BatchStateRepository, ResolutionDeadLetters
from .resolution_service import PipelineResolutionService

logger = structlog.get_logger(__name__)


class CacheRedisProvider(Provider):
    """Redis for the state cache. Unlike the shared RedisProvider it lets the service start
    while Redis is down (resolutions then use Postgres; the cache reconnects on use)."""

    scope = Scope.APP

    @provide
    async def redis(self, settings: BCSSettings) -> AsyncIterator[RedisClient]:
        client = RedisClient(
            settings.require_redis_url(),
            max_connections=settings.redis_max_connections,
            socket_timeout=settings.redis_timeout_seconds,
            pool_timeout=settings.redis_timeout_seconds,
        )
        try:
            await client.start()
        except Exception as exc:
            if not is_transient(exc):
                raise
            logger.warning("redis_unavailable_at_startup", error_type=type(exc).__name__)
        yield client
        await client.aclose()


class BCSProvider(Provider):
    """BCS's own services; all stateless or app-wide, so APP scope."""

    scope = Scope.APP
    settings = from_context(provides=BCSSettings, scope=Scope.APP)
    catalog = from_context(provides=PipelineCatalog, scope=Scope.APP)
    metrics = from_context(provides=BCSMetrics, scope=Scope.APP)

    @provide
    def repository(self) -> BatchStateRepository:
        return PostgresBatchStateRepository()

    @provide
    def cache(self, settings: BCSSettings, redis: RedisClient) -> BatchStateCache:
        return RedisBatchStateCache(
            redis,
            ttl_seconds=settings.state_cache_ttl_seconds,
            timeout_s=settings.redis_timeout_seconds,
        )

    @provide
    def store(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchStateRepository,
        cache: BatchStateCache,
        metrics: BCSMetrics,
    ) -> BatchStateStore:
        return BatchStateStore(
            sessions=sessions,
            repository=repository,
            cache=cache,
            processed=ProcessedEvents(),
            metrics=metrics,
        )

    @provide
    async def dead_letters(
        self, settings: BCSSettings, bus: KafkaBus, metrics: BCSMetrics
    ) -> AsyncIterator[ResolutionDeadLetters]:
        publisher = KafkaResolutionDeadLetters(
            bus, metrics, timeout_s=settings.dead_letter_publish_timeout_seconds
        )
        yield publisher
        await publisher.aclose()

    @provide
    def resolution_service(
        self,
        settings: BCSSettings,
        catalog: PipelineCatalog,
        store: BatchStateStore,
        dead_letters: ResolutionDeadLetters,
        metrics: BCSMetrics,
    ) -> PipelineResolutionService:
        return PipelineResolutionService(
            catalog=catalog,
            reader=store,
            dead_letters=dead_letters,
            metrics=metrics,
            service_name=settings.service_name,
        )

    @provide
    def projection_handlers(self, store: BatchStateStore) -> ProjectionHandlers:
        return ProjectionHandlers(store)


def build_container(
    settings: BCSSettings, catalog: PipelineCatalog, metrics: BCSMetrics
) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        PlainSessionsProvider(),
        KafkaProvider(),
        CacheRedisProvider(),
        BCSProvider(),
        QuartProvider(),
        context={
            ServiceSettingsBase: settings,
            BCSSettings: settings,
            PipelineCatalog: catalog,
            BCSMetrics: metrics,
        },
    )
