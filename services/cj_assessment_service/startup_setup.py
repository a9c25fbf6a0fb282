"""What the CJ worker runs: the consumer (built from the container at startup), the outbox
relay, and its readiness checks."""

from __future__ import annotations

import asyncio

from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.health import ReadinessCheck, deferred_check, kafka_check, postgres_check
from huleedu_service_libs.kafka import ConsumerRunner
from huleedu_service_libs.lifecycle import BackgroundTask
from huleedu_service_libs.outbox import OutboxRelay

from .config import CJSettings


class ConsumerTask:
    """Runs the container's ConsumerRunner; its async dependencies (sessions, the Kafka bus,
    the HTTP clients) can only be resolved once the service runs."""

    def __init__(self, container: AsyncContainer) -> None:
        self._container = container
        self._runner: ConsumerRunner | None = None
        self._stop_requested = asyncio.Event()

    async def run(self) -> None:
        self._runner = await self._container.get(ConsumerRunner)
        if not self._stop_requested.is_set():
            await self._runner.run()

    async def stop(self) -> None:
        self._stop_requested.set()
        if self._runner is not None:
            await self._runner.stop()

    def background_task(self) -> BackgroundTask:
        return BackgroundTask(name="consumer", run=self.run, stop=self.stop)


async def start_outbox_relay(container: AsyncContainer) -> None:
    """The relay starts when first resolved: rows an earlier process left unpublished go out
    at once instead of after the next assessment."""
    await container.get(OutboxRelay)


def readiness_checks(settings: CJSettings, container: AsyncContainer) -> list[ReadinessCheck]:
    async def engine() -> AsyncEngine:
        return await container.get(AsyncEngine)

    return [
        deferred_check("postgres", engine, postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
