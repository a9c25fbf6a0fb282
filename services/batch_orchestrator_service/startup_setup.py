"""What BOS runs beside its HTTP API: the outbox relay, the Kafka consumer, readiness checks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from dishka import AsyncContainer
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner, DeadLetterSink
from huleedu_service_libs.outbox import OutboxRelay
from huleedu_service_libs.quart_app import (
    BackgroundTask,
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)

from .config import BOSSettings
from .kafka_consumer import build_consumer_runner
from .pipeline_handlers import PipelineHandlers
from .readiness_handlers import ReadinessHandlers


class ConsumerHost:
    """Builds the ConsumerRunner from the container once the service runs, then runs it.

    The runner's dependencies (sessions, the Kafka bus for dead letters) are async resources
    of the container, so they cannot be resolved when the app is created.
    """

    def __init__(
        self,
        settings: BOSSettings,
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
        """Startup hook: resolve the dependencies and build the runner."""
        self._runner = build_consumer_runner(
            self._settings,
            await self._container.get(ReadinessHandlers),
            await self._container.get(PipelineHandlers),
            await self._container.get(DeadLetterSink),
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
