"""What runs beside the HTTP API: the notification listener (the one Redis subscription), the
Kafka producer's first connection attempt, readiness checks, and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from dishka import AsyncContainer
from fastapi import FastAPI

from huleedu_service_libs.health import ReadinessCheck, kafka_check, redis_check
from huleedu_service_libs.http_client import InternalServiceClient
from huleedu_service_libs.lifecycle import BackgroundTask, ServiceRuntime
from huleedu_service_libs.redis_client import RedisClient

from .config import GatewaySettings
from .notifications.redis_listener import RedisNotificationListener
from .protocols import PipelineRequestPublisher


@dataclass(frozen=True)
class ReadinessChecks:
    checks: tuple[ReadinessCheck, ...]


def _subscription_check(listener: RedisNotificationListener) -> ReadinessCheck:
    async def probe() -> None:
        if not listener.is_subscribed:
            raise RuntimeError("the notification subscription is not active")

    return ReadinessCheck("notifications", probe)


def _downstream_check(name: str, client: InternalServiceClient) -> ReadinessCheck:
    async def probe() -> None:
        await client.request("GET", "/healthz")

    return ReadinessCheck(name, probe)


def readiness_checks(
    settings: GatewaySettings,
    redis: RedisClient,
    listener: RedisNotificationListener,
    downstream: dict[str, InternalServiceClient],
) -> ReadinessChecks:
    checks = [
        redis_check(redis),
        kafka_check(settings.kafka_bootstrap_servers),
        _subscription_check(listener),
    ]
    if settings.readiness_checks_downstream:
        checks += [_downstream_check(name, client) for name, client in downstream.items()]
    return ReadinessChecks(tuple(checks))


@contextlib.asynccontextmanager
async def gateway_lifespan(
    settings: GatewaySettings, container: AsyncContainer
) -> AsyncIterator[None]:
    """Start the listener and the producer's connection; on exit stop them and close the
    container (HTTP clients, Redis pool, Kafka producer)."""
    listener = await container.get(RedisNotificationListener)
    publisher = await container.get(PipelineRequestPublisher)
    runtime = ServiceRuntime(
        service_name=settings.service_name,
        background_tasks=(BackgroundTask("notifications", listener.run, listener.stop),),
        container=container,
        shutdown_timeout_s=settings.shutdown_timeout_seconds,
    )
    await runtime.startup()
    connecting = asyncio.create_task(publisher.connect(), name="gateway:kafka-connect")
    try:
        yield
    finally:
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
        await runtime.shutdown()


def lifespan_for(
    settings: GatewaySettings, container: AsyncContainer
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with gateway_lifespan(settings, container):
            yield

    return lifespan
