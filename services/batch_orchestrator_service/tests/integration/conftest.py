"""Fixtures of the BOS integration tests: one migrated database, a running in-process app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.db import create_async_engine_from_settings
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from services.batch_orchestrator_service.config import BOSSettings

from .bos_testing import app_settings, migrated_database, running_app


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def bos_database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def bos_engine(bos_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine_from_settings(bos_database_url, pool_size=1)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bos_settings(infra: InfraUrls, bos_database_url: str) -> BOSSettings:
    return app_settings(infra, bos_database_url)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(bos_settings: BOSSettings) -> AsyncIterator[QuartClient]:
    async with running_app(bos_settings) as test_client:
        yield test_client


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bus(infra: InfraUrls) -> AsyncIterator[KafkaBus]:
    async with KafkaBus(infra.kafka_bootstrap, client_id="bos-it", enable_idempotence=False) as b:
        yield b
