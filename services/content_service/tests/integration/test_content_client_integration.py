"""The shared ContentServiceClient against the real Content Service served over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from huleedu_service_libs.content_client import ContentNotFoundError, ContentServiceClient
from huleedu_service_libs.errors import HttpStatusError
from services.content_service.tests.content_testing import (
    API_KEY,
    content_settings,
    served_app,
)

pytestmark = pytest.mark.integration

MAX_BYTES = 4096


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def content_url(content_database_url: str) -> AsyncIterator[str]:
    settings = content_settings(content_database_url, max_content_bytes=MAX_BYTES)
    async with served_app(settings) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def content(content_url: str) -> AsyncIterator[ContentServiceClient]:
    async with ContentServiceClient.create(
        content_url, service_id="spellchecker_service", api_key=API_KEY, retries=1
    ) as client:
        yield client


async def test_text_round_trips_through_the_real_service(content: ContentServiceClient) -> None:
    text = f"Min sommar var lång och varm. {uuid.uuid4()}"

    storage_id = await content.store_text(text)

    assert await content.fetch_text(storage_id) == text
    _, content_type = await content.fetch_bytes(storage_id)
    assert content_type == "text/plain; charset=utf-8"


async def test_storing_the_same_text_twice_gives_the_same_id(content: ContentServiceClient) -> None:
    text = f"Same text {uuid.uuid4()}"

    assert await content.store_text(text) == await content.store_text(text)


async def test_unknown_id_raises_content_not_found(content: ContentServiceClient) -> None:
    with pytest.raises(ContentNotFoundError):
        await content.fetch_text("f" * 64)


async def test_an_oversize_text_is_refused_with_413(content: ContentServiceClient) -> None:
    with pytest.raises(HttpStatusError) as caught:
        await content.store_text("x" * (MAX_BYTES + 1))

    assert caught.value.status == 413


async def test_wrong_credentials_are_refused(content_url: str) -> None:
    async with ContentServiceClient.create(
        content_url, service_id="spellchecker_service", api_key="wrong", retries=0
    ) as client:
        with pytest.raises(HttpStatusError) as caught:
            await client.store_text("text")

    assert caught.value.status == 401
