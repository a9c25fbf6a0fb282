"""What RAS runs beside its HTTP API: the Kafka consumer, readiness checks, startup wiring."""

from __future__ import annotations

from collections.abc import Sequence

from dishka import AsyncContainer
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner
from huleedu_service_libs.quart_app import (
    DeferredRunner,
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)

from .config import RASSettings
from .event_handlers import ResultEventHandler
from .kafka_consumer import build_consumer_runner
from .read_service import ResultReader


def consumer_host(
    settings: RASSettings,
    container: AsyncContainer,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> DeferredRunner:
    """The event consumer, built when the service starts (see `DeferredRunner`). The reader is
    resolved then too, so the first request finds it ready."""

    async def build() -> ConsumerRunner:
        handler = await container.get(ResultEventHandler)
        await container.get(ResultReader)
        return build_consumer_runner(settings, handler.handle, options=options, registry=registry)

    return DeferredRunner(build)


def readiness_checks(settings: RASSettings, container: AsyncContainer) -> Sequence[ReadinessCheck]:
    """Postgres and Kafka. Redis is left out on purpose: without it RAS still answers (cache
    bypassed) and keeps its view current; only live notifications are lost."""

    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
