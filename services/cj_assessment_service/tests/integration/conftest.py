"""Fixtures of the CJ integration tests: a migrated database per module, the real Content
Service (as a process) holding the five sample essays."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from services.cj_assessment_service.tests.integration.support import migrated_database
from services.cj_assessment_service.tests.support_texts import sample_essays

CONTENT = "content_service"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine_from_settings(database_url, 5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api_key(platform: Platform) -> str:
    return platform.secrets["internal_api_key"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def content_url(platform: Platform) -> str:
    await platform.start_services([CONTENT])
    return platform.service_url(CONTENT)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sample_ids(content_url: str, api_key: str) -> list[str]:
    """Storage ids of the five sample essays, best first."""
    async with ContentServiceClient.create(
        content_url, service_id="essay_lifecycle_service", api_key=api_key
    ) as content:
        return [await content.store_text(text) for text in sample_essays()]
