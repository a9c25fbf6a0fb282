"""Fixtures of the spell checker integration tests: a real Content Service process and an
in-process worker (English only, so that Swedish is an unsupported language here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from prometheus_client import CollectorRegistry

from huleedu_service_libs.content_client import ContentServiceClient
from scripts.launcher.platform import Platform
from services.spellchecker_service.config import SpellSettings

from .spell_testing import running_worker, worker_settings


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def content_platform(platform: Platform) -> Platform:
    await platform.start_services(["content_service"])
    return platform


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def content(content_platform: Platform) -> AsyncIterator[ContentServiceClient]:
    async with ContentServiceClient.create(
        content_platform.service_url("content_service"),
        service_id="essay_lifecycle_service",
        api_key=content_platform.secrets["internal_api_key"],
    ) as client:
        yield client


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def english_settings(content_platform: Platform) -> SpellSettings:
    return worker_settings(content_platform, languages=("en",))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker_metrics(english_settings: SpellSettings) -> AsyncIterator[CollectorRegistry]:
    async with running_worker(english_settings) as (_, registry):
        yield registry
