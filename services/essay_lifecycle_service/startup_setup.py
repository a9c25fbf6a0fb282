"""Readiness checks and background tasks of the ELS processes."""

from __future__ import annotations

from typing import Protocol

from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.health import (
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)
from huleedu_service_libs.lifecycle import BackgroundTask
from services.essay_lifecycle_service.config import ElsSettings


class _RunStop(Protocol):
    async def run(self) -> None: ...

    async def stop(self) -> None: ...


class ContainerTask:
    """Runs a component the container builds when the service starts (not at import)."""

    def __init__(self, container: AsyncContainer, component: type[_RunStop]) -> None:
        self._container = container
        self._component = component
        self._running: _RunStop | None = None

    async def run(self) -> None:
        self._running = await self._container.get(self._component)
        await self._running.run()

    async def stop(self) -> None:
        if self._running is not None:
            await self._running.stop()

    def as_background_task(self, name: str) -> BackgroundTask:
        return BackgroundTask(name=name, run=self.run, stop=self.stop)


def api_readiness_checks(container: AsyncContainer) -> list[ReadinessCheck]:
    return [deferred_check("postgres", lambda: container.get(AsyncEngine), postgres_check)]


def worker_readiness_checks(
    container: AsyncContainer, settings: ElsSettings
) -> list[ReadinessCheck]:
    return [*api_readiness_checks(container), kafka_check(settings.kafka_bootstrap_servers)]
