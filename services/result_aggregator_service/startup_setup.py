"""What RAS runs beside its HTTP API: the Kafka consumer, readiness checks, startup wiring."""

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

from .config import RASSettings
from .event_handlers import ResultEventHandler
from .kafka_consumer import build_consumer_runner
from .read_service import ResultReader


class ConsumerHost:
    """Builds the ConsumerRunner from the container once the service runs, then runs it.

    The handler's dependencies (sessions, Redis, the BOS client) are async resources of the
    container, so they cannot be resolved when the app is created.
    """

    def __init__(
        self,
        settings: RASSettings,
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
        """Startup hook: resolve the handler (and the reader, so requests find it ready)."""
        handler = await self._container.get(ResultEventHandler)
        await self._container.get(ResultReader)
        self._runner = build_consumer_runner(
            self._settings, handler.handle, options=self._options, registry=self._registry
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


def readiness_checks(settings: RASSettings, container: AsyncContainer) -> Sequence[ReadinessCheck]:
    """Postgres and Kafka. Redis is left out on purpose: without it RAS still answers (cache
    bypassed) and keeps its view current; only live notifications are lost."""

    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
