"""Fixtures of the RAS integration tests: a migrated database, a running in-process app, a
Kafka bus to publish with and a Redis client to listen with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient

from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.redis_client import RedisClient
from scripts.launcher.infra import InfraUrls
from services.result_aggregator_service.config import RASSettings

from .ras_testing import InOrderPublisher, app_settings, migrated_database, running_app


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def ras_database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ras_settings(infra: InfraUrls, ras_database_url: str) -> RASSettings:
    return app_settings(infra, ras_database_url)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(ras_settings: RASSettings) -> AsyncIterator[QuartClient]:
    async with running_app(ras_settings) as test_client:
        yield test_client


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bus(infra: InfraUrls) -> AsyncIterator[KafkaBus]:
    async with KafkaBus(infra.kafka_bootstrap, client_id="ras-it", enable_idempotence=False) as b:
        yield b


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def redis(infra: InfraUrls) -> AsyncIterator[RedisClient]:
    async with RedisClient(infra.redis_url) as client:
        yield client


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def publisher(infra: InfraUrls, bus: KafkaBus, ras_settings: RASSettings) -> InOrderPublisher:
    return InOrderPublisher(bus, infra.kafka_bootstrap, ras_settings.consumer_group_id)
