"""Fixtures of the gateway's integration tests (real Redis and Kafka from the session stack)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from services.api_gateway_service.tests.gateway_testing import (
    StubRas,
    free_port,
    gateway_client,
    gateway_settings,
)

BOS = "batch_orchestrator_service"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stub_ras(platform: Platform) -> AsyncIterator[StubRas]:
    ras = StubRas(api_key=platform.secrets["internal_api_key"])
    await ras.start(free_port())
    try:
        yield ras
    finally:
        await ras.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(
    platform: Platform, infra: InfraUrls, stub_ras: StubRas
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in-process in front of the real BOS process and the stub RAS."""
    await platform.start_services([BOS])
    settings = gateway_settings(
        infra,
        internal_api_key=platform.secrets["internal_api_key"],
        bos_url=platform.service_url(BOS),
        ras_url=stub_ras.url,
    )
    async with gateway_client(settings) as client:
        yield client
