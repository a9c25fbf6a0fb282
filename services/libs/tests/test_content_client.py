"""ContentServiceClient against a small real HTTP server playing the Content Service."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from huleedu_service_libs.content_client import (
    TEXT_CONTENT_TYPE,
    ContentNotFoundError,
    ContentServiceClient,
    InvalidContentResponseError,
)
from huleedu_service_libs.errors import HttpStatusError

API_KEY = "content-client-test-key"
CORRELATION_ID = "6e1b9b52-3f39-4e4c-9d54-0f7c5c7e0a11"


@dataclass
class FakeContentService:
    items: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    post_script: list[int] = field(default_factory=list)
    posts: int = 0
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    answer_without_id: bool = False

    async def store(self, request: web.Request) -> web.Response:
        self.posts += 1
        self.seen_headers.append(dict(request.headers))
        if self.post_script:
            status = self.post_script.pop(0)
            if status != 201:
                return web.json_response({"error": {"code": "x"}}, status=status)
        if self.answer_without_id:
            return web.json_response({}, status=201)
        data = await request.read()
        storage_id = hashlib.sha256(data).hexdigest()
        self.items[storage_id] = (data, request.headers["Content-Type"])
        return web.json_response({"storage_id": storage_id}, status=201)

    async def fetch(self, request: web.Request) -> web.Response:
        item = self.items.get(request.match_info["storage_id"])
        if item is None:
            return web.json_response({"error": {"code": "not_found"}}, status=404)
        data, content_type = item
        return web.Response(body=data, headers={"Content-Type": content_type})


@pytest.fixture
async def service() -> AsyncIterator[tuple[FakeContentService, str]]:
    fake = FakeContentService()
    app = web.Application()
    app.router.add_post("/v1/content", fake.store)
    app.router.add_get("/v1/content/{storage_id}", fake.fetch)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield fake, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


@pytest.fixture
async def client(service: tuple[FakeContentService, str]) -> AsyncIterator[ContentServiceClient]:
    async with ContentServiceClient.create(
        service[1],
        service_id="file_service",
        api_key=API_KEY,
        retries=2,
        backoff_initial_s=0.01,
        timeout_s=2.0,
    ) as content:
        yield content


async def test_store_text_posts_utf8_with_credentials_and_returns_the_id(
    service: tuple[FakeContentService, str], client: ContentServiceClient
) -> None:
    fake, _ = service
    text = "Åsa skriver en uppsats."

    storage_id = await client.store_text(text, correlation_id=CORRELATION_ID)

    assert storage_id == hashlib.sha256(text.encode()).hexdigest()
    assert fake.items[storage_id] == (text.encode(), TEXT_CONTENT_TYPE)
    headers = fake.seen_headers[0]
    assert headers["X-Service-ID"] == "file_service"
    assert headers["X-Internal-API-Key"] == API_KEY
    assert headers["X-Correlation-ID"] == CORRELATION_ID


async def test_fetch_text_returns_what_was_stored(client: ContentServiceClient) -> None:
    storage_id = await client.store_text("Hello, Content Service — ünïcode")

    assert await client.fetch_text(storage_id) == "Hello, Content Service — ünïcode"


async def test_bytes_round_trip_with_their_content_type(client: ContentServiceClient) -> None:
    storage_id = await client.store_bytes(b"%PDF-1.4", "application/pdf")

    assert await client.fetch_bytes(storage_id) == (b"%PDF-1.4", "application/pdf")


async def test_unknown_id_raises_content_not_found(client: ContentServiceClient) -> None:
    with pytest.raises(ContentNotFoundError) as caught:
        await client.fetch_text("0" * 64)

    assert caught.value.storage_id == "0" * 64


async def test_a_5xx_is_retried(
    service: tuple[FakeContentService, str], client: ContentServiceClient
) -> None:
    fake, _ = service
    fake.post_script = [503, 201]

    storage_id = await client.store_text("retried text")

    assert fake.posts == 2
    assert storage_id in fake.items


async def test_a_4xx_is_raised_at_once(
    service: tuple[FakeContentService, str], client: ContentServiceClient
) -> None:
    fake, _ = service
    fake.post_script = [413]

    with pytest.raises(HttpStatusError) as caught:
        await client.store_text("too big")

    assert caught.value.status == 413
    assert fake.posts == 1


async def test_an_answer_without_storage_id_is_an_error(
    service: tuple[FakeContentService, str], client: ContentServiceClient
) -> None:
    service[0].answer_without_id = True

    with pytest.raises(InvalidContentResponseError):
        await client.store_text("text")
