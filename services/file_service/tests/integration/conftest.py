"""Fixtures of the File Service integration tests.

The File Service runs in-process against a migrated database and the real broker; BOS and the
Content Service run as processes of the session's platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient

from scripts.launcher.platform import Platform
from services.file_service.tests.file_testing import file_settings, migrated_database, running_app

MAX_FILE_BYTES = 100_000
MAX_REQUEST_BYTES = 400_000


@dataclass(frozen=True)
class Peers:
    api_key: str
    bos_url: str
    content_url: str


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def peers(platform: Platform) -> Peers:
    await platform.start_services(["batch_orchestrator_service", "content_service"])
    return Peers(
        api_key=platform.secrets["internal_api_key"],
        bos_url=platform.service_url("batch_orchestrator_service"),
        content_url=platform.service_url("content_service"),
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def file_database_url(platform: Platform) -> str:
    return await migrated_database(platform.infra)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(
    platform: Platform, peers: Peers, file_database_url: str
) -> AsyncIterator[QuartClient]:
    settings = file_settings(
        platform.infra,
        file_database_url,
        api_key=peers.api_key,
        bos_url=peers.bos_url,
        content_url=peers.content_url,
        max_file_bytes=MAX_FILE_BYTES,
        max_request_bytes=MAX_REQUEST_BYTES,
    )
    async with running_app(settings) as test_client:
        yield test_client
