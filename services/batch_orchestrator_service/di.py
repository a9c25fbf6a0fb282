"""The dishka container of BOS: shared infrastructure providers plus the BOS services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.http_client import InternalServiceClient
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import DeadLetterSink, KafkaBus, KafkaDeadLetterPublisher
from huleedu_service_libs.outbox import OutboxWriter
from huleedu_service_libs.providers import (
    DatabaseProvider,
    KafkaProvider,
    OutboxProvider,
    SettingsProvider,
)

from .config import BOSSettings
from .dead_letter_admin import DeadLetterAdmin
from .implementations.batch_repository import PostgresBatchRepository
from .implementations.bcs_client import BcsPipelineResolver, bcs_client
from .implementations.dead_letters import (
    FanOutDeadLetterSink,
    PostgresDeadLetterReader,
    PostgresDeadLetterStore,
)
from .implementations.pipeline_run_repository import PostgresPipelineRunRepository
from .pipeline_events import PipelineEvents
from .pipeline_handlers import PipelineHandlers
from .pipeline_service import PipelineOrchestrator
from .protocols import BatchRepository, PipelineResolver, PipelineRunRepository
from .readiness_handlers import ReadinessHandlers
from .registration_service import BatchRegistrar


class BOSProvider(Provider):
    """BOS's own services; all stateless, so APP scope."""

    scope = Scope.APP
    settings = from_context(provides=BOSSettings, scope=Scope.APP)

    @provide
    def repository(self) -> BatchRepository:
        return PostgresBatchRepository()

    @provide
    def run_repository(self) -> PipelineRunRepository:
        return PostgresPipelineRunRepository()

    @provide
    def processed_events(self) -> ProcessedEvents:
        return ProcessedEvents()

    @provide
    async def bcs_http_client(self, settings: BOSSettings) -> AsyncIterator[InternalServiceClient]:
        client = bcs_client(settings)
        yield client
        await client.close()

    @provide
    def pipeline_resolver(self, client: InternalServiceClient) -> PipelineResolver:
        return BcsPipelineResolver(client)

    @provide
    def orchestrator(
        self,
        settings: BOSSettings,
        sessions: async_sessionmaker[AsyncSession],
        batches: BatchRepository,
        runs: PipelineRunRepository,
        processed: ProcessedEvents,
        outbox: OutboxWriter,
        resolver: PipelineResolver,
    ) -> PipelineOrchestrator:
        return PipelineOrchestrator(
            sessions=sessions,
            batches=batches,
            runs=runs,
            processed=processed,
            outbox=outbox,
            resolver=resolver,
            events=PipelineEvents(settings.service_name),
        )

    @provide
    def pipeline_handlers(self, orchestrator: PipelineOrchestrator) -> PipelineHandlers:
        return PipelineHandlers(orchestrator)

    @provide
    def registrar(
        self,
        settings: BOSSettings,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchRepository,
        outbox: OutboxWriter,
    ) -> BatchRegistrar:
        return BatchRegistrar(
            sessions=sessions,
            repository=repository,
            outbox=outbox,
            service_name=settings.service_name,
            readiness_timeout=timedelta(seconds=settings.essay_readiness_timeout_seconds),
        )

    @provide
    def readiness_handlers(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchRepository,
        processed: ProcessedEvents,
        orchestrator: PipelineOrchestrator,
    ) -> ReadinessHandlers:
        return ReadinessHandlers(
            sessions=sessions,
            repository=repository,
            processed=processed,
            after_readiness=orchestrator.start_queued,
        )

    @provide
    def dead_letter_sink(
        self,
        settings: BOSSettings,
        sessions: async_sessionmaker[AsyncSession],
        bus: KafkaBus,
    ) -> DeadLetterSink:
        publisher = KafkaDeadLetterPublisher(bus)
        if not settings.store_dead_letters:
            return publisher
        return FanOutDeadLetterSink([PostgresDeadLetterStore(sessions), publisher])

    @provide
    def dead_letter_admin(
        self, sessions: async_sessionmaker[AsyncSession], bus: KafkaBus
    ) -> DeadLetterAdmin:
        return DeadLetterAdmin(PostgresDeadLetterReader(sessions), bus)


def build_container(settings: BOSSettings) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        KafkaProvider(),
        OutboxProvider(),
        BOSProvider(),
        QuartProvider(),
        context={ServiceSettingsBase: settings, BOSSettings: settings},
    )
