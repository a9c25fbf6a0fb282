"""Fixtures of the Content Service integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient

from scripts.launcher.infra import InfraUrls
from services.content_service.tests.content_testing import (
    content_settings,
    migrated_database,
    running_app,
)

MAX_BYTES = 1024


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def content_database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(content_database_url: str) -> AsyncIterator[QuartClient]:
    settings = content_settings(content_database_url, max_content_bytes=MAX_BYTES)
    async with running_app(settings) as test_client:
        yield test_client
