"""/readyz against the real Postgres, Redis and Kafka of the test stack, and unreachable ones."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.health import (
    ReadinessCheck,
    kafka_check,
    postgres_check,
    redis_check,
)
from huleedu_service_libs.quart_app import create_service_app
from scripts.launcher.infra import InfraUrls

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def readyz(checks: list[ReadinessCheck]) -> tuple[int, dict[str, object]]:
    settings = ServiceSettingsBase(
        service_name="readiness_test_service",
        internal_api_key=SecretStr("k"),
        log_format="json",
        readiness_timeout_seconds=3.0,
    )
    app = create_service_app(
        settings, readiness_checks=checks, metrics_registry=CollectorRegistry()
    )
    response = await app.test_client().get("/readyz")
    return response.status_code, await response.get_json()


@pytest.fixture
async def live_engine(infra: InfraUrls) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(infra.postgres_admin_url, pool_size=1)
    yield engine
    await engine.dispose()


@pytest.fixture
async def live_redis(infra: InfraUrls) -> AsyncIterator[Redis]:
    client = Redis.from_url(infra.redis_url)
    yield client
    await client.aclose()


async def test_ready_when_postgres_redis_and_kafka_answer(
    infra: InfraUrls, live_engine: AsyncEngine, live_redis: Redis
) -> None:
    status, body = await readyz(
        [postgres_check(live_engine), redis_check(live_redis), kafka_check(infra.kafka_bootstrap)]
    )

    assert status == 200, body
    assert body["status"] == "ready"
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert {name: check["status"] for name, check in checks.items()} == {
        "postgres": "ok",
        "redis": "ok",
        "kafka": "ok",
    }


async def test_not_ready_when_each_dependency_is_unreachable(
    infra: InfraUrls, live_engine: AsyncEngine, live_redis: Redis
) -> None:
    dead_engine = create_async_engine(
        f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/postgres", pool_size=1
    )
    dead_redis = Redis.from_url(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        status, body = await readyz(
            [
                postgres_check(live_engine),
                postgres_check(dead_engine, name="postgres_down"),
                redis_check(dead_redis),
                kafka_check(f"127.0.0.1:{closed_port()}"),
            ]
        )
    finally:
        await dead_engine.dispose()
        await dead_redis.aclose()

    assert status == 503
    error = body["error"]
    assert isinstance(error, dict)
    checks = error["details"]["checks"]
    assert checks["postgres"]["status"] == "ok"
    for name in ("postgres_down", "redis", "kafka"):
        assert checks[name]["status"] == "error", (name, checks[name])
