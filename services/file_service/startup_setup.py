"""What the File Service runs beside its HTTP API: the outbox relay and readiness checks."""

from __future__ import annotations

from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.health import (
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
)
from huleedu_service_libs.lifecycle import Hook
from huleedu_service_libs.outbox import OutboxRelay
from services.file_service.config import FileSettings


def outbox_relay_hook(container: AsyncContainer) -> Hook:
    """Startup hook: the relay starts when first resolved, so events an earlier process left
    unpublished go out at startup instead of waiting for the next upload."""

    async def start_relay() -> None:
        await container.get(OutboxRelay)

    return start_relay


def readiness_checks(settings: FileSettings, container: AsyncContainer) -> list[ReadinessCheck]:
    return [
        deferred_check("postgres", lambda: container.get(AsyncEngine), postgres_check),
        kafka_check(settings.kafka_bootstrap_servers),
    ]
