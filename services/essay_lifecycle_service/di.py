"""Dependency containers of the ELS API and worker processes."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.kafka import ConsumerRunner
from huleedu_service_libs.outbox import OutboxWriter
from huleedu_service_libs.providers import (
    DatabaseProvider,
    KafkaProvider,
    OutboxProvider,
    PlainSessionsProvider,
    SettingsProvider,
)
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.event_factory import EventFactory
from services.essay_lifecycle_service.implementations.intake_repository import IntakeRepository
from services.essay_lifecycle_service.implementations.phase_repository import PhaseRepository
from services.essay_lifecycle_service.implementations.status_queries import StatusQueries
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import IntakeHandlers, build_consumer_runner
from services.essay_lifecycle_service.phase_consumer import PhaseEventHandlers
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.phases.base import PhaseRegistry
from services.essay_lifecycle_service.phases.registry import default_phase_registry
from services.essay_lifecycle_service.readiness_sweeper import (
    PhaseTimeoutSweeper,
    ReadinessSweeper,
)
from services.essay_lifecycle_service.transitions import EssayTransitions


class ApiProvider(Provider):
    """The read side served by the API process."""

    scope = Scope.APP
    settings = from_context(provides=ElsSettings, scope=Scope.APP)

    @provide
    def queries(self, sessions: async_sessionmaker[AsyncSession]) -> StatusQueries:
        return StatusQueries(sessions)


class WorkerProvider(Provider):
    """Intake, the phase machinery, their consumer runner and sweepers of the worker."""

    scope = Scope.APP
    settings = from_context(provides=ElsSettings, scope=Scope.APP)

    @provide
    def events(self, settings: ElsSettings) -> EventFactory:
        return EventFactory(settings.service_name)

    @provide
    def transitions(self) -> EssayTransitions:
        return EssayTransitions(IntakeRepository())

    @provide
    def intake(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        events: EventFactory,
        transitions: EssayTransitions,
    ) -> IntakeService:
        return IntakeService(sessions, IntakeRepository(), outbox, events, transitions)

    @provide
    def phase_registry(self) -> PhaseRegistry:
        return default_phase_registry()

    @provide
    def phases(
        self,
        settings: ElsSettings,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        events: EventFactory,
        transitions: EssayTransitions,
        registry: PhaseRegistry,
    ) -> PhaseService:
        return PhaseService(
            sessions,
            PhaseRepository(),
            transitions,
            outbox,
            events,
            registry,
            phase_timeout_s=settings.phase_timeout_seconds,
        )

    @provide
    def runner(
        self,
        settings: ElsSettings,
        intake: IntakeService,
        phases: PhaseService,
        registry: PhaseRegistry,
    ) -> ConsumerRunner:
        phase_routes = PhaseEventHandlers(phases, registry).routes()
        return build_consumer_runner(settings, IntakeHandlers(intake), phase_routes)

    @provide
    def readiness_sweeper(self, settings: ElsSettings, intake: IntakeService) -> ReadinessSweeper:
        return ReadinessSweeper(
            intake,
            interval_s=settings.readiness_sweep_interval_seconds,
            batch_size=settings.readiness_sweep_batch_size,
        )

    @provide
    def phase_sweeper(self, settings: ElsSettings, phases: PhaseService) -> PhaseTimeoutSweeper:
        return PhaseTimeoutSweeper(
            phases,
            interval_s=settings.phase_sweep_interval_seconds,
            batch_size=settings.phase_sweep_batch_size,
        )


def _context(settings: ElsSettings) -> dict[object, object]:
    return {ServiceSettingsBase: settings, ElsSettings: settings}


def build_api_container(settings: ElsSettings) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        PlainSessionsProvider(),
        ApiProvider(),
        QuartProvider(),
        context=_context(settings),
    )


def build_worker_container(settings: ElsSettings) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        KafkaProvider(),
        OutboxProvider(),
        WorkerProvider(),
        context=_context(settings),
    )
