"""The File Service's dependency container."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.http_client import CircuitBreaker, InternalServiceClient
from huleedu_service_libs.outbox import OutboxWriter
from huleedu_service_libs.providers import (
    DatabaseProvider,
    KafkaProvider,
    OutboxProvider,
    SettingsProvider,
)
from services.file_service.config import FileSettings
from services.file_service.domain.file_validation import FileLimits
from services.file_service.implementations.bos_client import BosBatchStateReader
from services.file_service.implementations.upload_recorder import PostgresUploadRecorder
from services.file_service.intake import FileIntake
from services.file_service.upload_metrics import UploadMetrics


class FileProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=FileSettings, scope=Scope.APP)
    metrics = from_context(provides=UploadMetrics, scope=Scope.APP)

    @provide
    async def batch_states(self, settings: FileSettings) -> AsyncIterator[BosBatchStateReader]:
        http = InternalServiceClient(
            settings.bos_url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=settings.bos_query_timeout_seconds,
            retries=settings.bos_retries,
            circuit_breaker=CircuitBreaker(name="batch_orchestrator_service"),
        )
        yield BosBatchStateReader(http)
        await http.close()

    @provide
    async def content(self, settings: FileSettings) -> AsyncIterator[ContentServiceClient]:
        client = ContentServiceClient.create(
            settings.content_url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=settings.content_timeout_seconds,
            retries=settings.content_retries,
            circuit_breaker=CircuitBreaker(name="content_service"),
        )
        yield client
        await client.close()

    @provide
    def recorder(
        self, sessions: async_sessionmaker[AsyncSession], outbox: OutboxWriter
    ) -> PostgresUploadRecorder:
        return PostgresUploadRecorder(sessions, outbox)

    @provide
    def intake(
        self,
        settings: FileSettings,
        batch_states: BosBatchStateReader,
        content: ContentServiceClient,
        recorder: PostgresUploadRecorder,
    ) -> FileIntake:
        limits = FileLimits(
            max_file_bytes=settings.max_file_bytes,
            min_text_chars=settings.min_text_chars,
            max_text_chars=settings.max_text_chars,
        )
        return FileIntake(
            batch_states,
            content,
            recorder,
            limits,
            store_concurrency=settings.content_store_concurrency,
        )


def build_container(settings: FileSettings, metrics: UploadMetrics) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        KafkaProvider(),
        OutboxProvider(),
        FileProvider(),
        QuartProvider(),
        context={ServiceSettingsBase: settings, FileSettings: settings, UploadMetrics: metrics},
    )
