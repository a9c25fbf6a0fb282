"""What BCS runs beside its HTTP API: the projection consumer and the readiness checks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from dishka import AsyncContainer
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner
from huleedu_service_libs.quart_app import (
    BackgroundTask,
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)

from .config import BCSSettings
from .kafka_consumer import build_consumer_runner
from .projection_handlers import ProjectionHandlers


class ConsumerHost:
    """Builds the ConsumerRunner from the container once the service runs, then runs it
    (its handlers need the container's async resources, not available at app creation)."""

    def __init__(
        self,
        settings: BCSSettings,
        container: AsyncContainer,
        *,
        options: ConsumerOptions | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._settings = settings
        self._container = container
        self._options = options
        self._registry = registry
        self._runner: ConsumerRunner | None = None
        self._stop_requested = asyncio.Event()

    async def prepare(self) -> None:
        """Startup hook: resolve the handlers and build the runner."""
        self._runner = build_consumer_runner(
            self._settings,
            await self._container.get(ProjectionHandlers),
            options=self._options,
            registry=self._registry,
        )

    async def run(self) -> None:
        if self._runner is None:
            raise RuntimeError("ConsumerHost.prepare() must run before run()")
        if self._stop_requested.is_set():
            return
        await self._runner.run()

    async def stop(self) -> None:
        self._stop_requested.set()
        if self._runner is not None:
            await self._runner.stop()

    def background_task(self) -> BackgroundTask:
        return BackgroundTask(name="consumer", run=self.run, stop=self.stop)


def readiness_checks(settings: BCSSettings, container: AsyncContainer) -> Sequence[ReadinessCheck]:
    """Postgres and Kafka. Redis is left out on purpose: without it BCS answers from Postgres,
    so a Redis outage must not take BCS out of service."""

    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
