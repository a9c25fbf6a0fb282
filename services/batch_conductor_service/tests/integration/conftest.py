"""Fixtures of the BCS integration tests: one migrated database, a running in-process app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from prometheus_client import CollectorRegistry
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.db import create_async_engine_from_settings
from scripts.launcher.infra import InfraUrls
from services.batch_conductor_service.config import BCSSettings

from .bcs_testing import app_settings, migrated_database, running_app


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def bcs_database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def bcs_engine(bcs_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine_from_settings(bcs_database_url, pool_size=1)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bcs_settings(infra: InfraUrls, bcs_database_url: str) -> BCSSettings:
    return app_settings(infra, bcs_database_url)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def metrics_registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(
    bcs_settings: BCSSettings, metrics_registry: CollectorRegistry
) -> AsyncIterator[QuartClient]:
    async with running_app(bcs_settings, metrics_registry) as test_client:
        yield test_client
