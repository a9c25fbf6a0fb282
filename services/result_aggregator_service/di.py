"""The dishka container of RAS: shared infrastructure providers plus the RAS services."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.providers import (
    DatabaseProvider,
    PlainSessionsProvider,
    RedisProvider,
    SettingsProvider,
)
from huleedu_service_libs.redis_client import RedisClient

from .config import RASSettings
from .event_handlers import ResultEventHandler
from .implementations.bos_client import BosBatchDirectory, bos_client
from .implementations.notifier import RedisNotifier
from .implementations.response_cache import RedisResponseCache
from .implementations.view_repository import PostgresViewRepository
from .protocols import BatchDirectory, Notifier, ResponseCache
from .read_service import ResultReader


class RASProvider(Provider):
    """RAS's own services; all stateless, so APP scope."""

    scope = Scope.APP
    settings = from_context(provides=RASSettings, scope=Scope.APP)

    @provide
    def repository(self) -> PostgresViewRepository:
        return PostgresViewRepository()

    @provide
    def processed_events(self) -> ProcessedEvents:
        return ProcessedEvents()

    @provide
    async def directory(self, settings: RASSettings) -> AsyncIterator[BatchDirectory]:
        client = bos_client(settings)
        yield BosBatchDirectory(client)
        await client.close()

    @provide
    async def content(self, settings: RASSettings) -> AsyncIterator[ContentServiceClient]:
        client = ContentServiceClient.create(
            settings.content_url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=settings.content_timeout_seconds,
            retries=settings.content_retries,
        )
        yield client
        await client.close()

    @provide
    def cache(self, settings: RASSettings, redis: RedisClient) -> ResponseCache:
        return RedisResponseCache(
            redis, ttl_seconds=settings.cache_ttl_seconds, prefix=settings.cache_key_prefix
        )

    @provide
    def notifier(self, redis: RedisClient) -> Notifier:
        return RedisNotifier(redis)

    @provide
    def handler(
        self,
        settings: RASSettings,
        sessions: async_sessionmaker[AsyncSession],
        repository: PostgresViewRepository,
        processed: ProcessedEvents,
        directory: BatchDirectory,
        cache: ResponseCache,
        notifier: Notifier,
    ) -> ResultEventHandler:
        return ResultEventHandler(
            sessions=sessions,
            repository=repository,
            processed=processed,
            directory=directory,
            cache=cache,
            notifier=notifier,
            missing_batches=settings.handle_missing_batches,
        )

    @provide
    def reader(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: PostgresViewRepository,
        cache: ResponseCache,
        content: ContentServiceClient,
    ) -> ResultReader:
        return ResultReader(sessions=sessions, repository=repository, cache=cache, content=content)


def build_container(settings: RASSettings) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        PlainSessionsProvider(),
        RedisProvider(),
        RASProvider(),
        QuartProvider(),
        context={ServiceSettingsBase: settings, RASSettings: settings},
    )
