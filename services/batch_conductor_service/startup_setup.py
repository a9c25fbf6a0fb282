"""What BCS runs beside its HTTP API: the projection consumer and the readiness checks."""

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

from .config import BCSSettings
from .kafka_consumer import build_consumer_runner
from .projection_handlers import ProjectionHandlers


def consumer_host(
    settings: BCSSettings,
    container: AsyncContainer,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> DeferredRunner:
    """The projection consumer, built when the service starts (see `DeferredRunner`)."""

    async def build() -> ConsumerRunner:
        handlers = await container.get(ProjectionHandlers)
        return build_consumer_runner(settings, handlers, options=options, registry=registry)

    return DeferredRunner(build)


def readiness_checks(settings: BCSSettings, container: AsyncContainer) -> Sequence[ReadinessCheck]:
    """Postgres and Kafka. Redis is left out on purpose: without it BCS answers from Postgres,
    so a Redis outage must not take BCS out of service."""

    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
