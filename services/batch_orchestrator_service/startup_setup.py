"""What BOS runs beside its HTTP API: the outbox relay, the Kafka consumer, readiness checks."""

from __future__ import annotations

from collections.abc import Sequence

from dishka import AsyncContainer
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner, DeadLetterSink
from huleedu_service_libs.outbox import OutboxRelay
from huleedu_service_libs.quart_app import (
    DeferredRunner,
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)

from .config import BOSSettings
from .kafka_consumer import build_consumer_runner
from .pipeline_handlers import PipelineHandlers
from .readiness_handlers import ReadinessHandlers


def consumer_host(
    settings: BOSSettings,
    container: AsyncContainer,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> DeferredRunner:
    """The event consumer, built when the service starts (see `DeferredRunner`)."""

    async def build() -> ConsumerRunner:
        return build_consumer_runner(
            settings,
            await container.get(ReadinessHandlers),
            await container.get(PipelineHandlers),
            await container.get(DeadLetterSink),
            options=options,
            registry=registry,
        )

    return DeferredRunner(build)


async def start_outbox_relay(container: AsyncContainer) -> None:
    """Startup hook: the relay starts when first resolved, so rows left unpublished by an
    earlier process go out without waiting for the next registration."""
    await container.get(OutboxRelay)


def readiness_checks(settings: BOSSettings, container: AsyncContainer) -> Sequence[ReadinessCheck]:
    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
