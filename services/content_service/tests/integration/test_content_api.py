"""The Content Service API in-process against a real, migrated Postgres database."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import pytest
import sqlalchemy as sa
from quart.typing import TestClientProtocol as QuartClient

from huleedu_service_libs.db import create_async_engine_from_settings
from services.content_service.tests.content_testing import AUTH

from .conftest import MAX_BYTES

pytestmark = pytest.mark.integration


def unique_bytes(prefix: str = "essay") -> bytes:
    return f"{prefix} {uuid.uuid4()} — åäö".encode()


async def post_content(
    client: QuartClient, data: bytes, content_type: str = "text/plain; charset=utf-8"
) -> tuple[int, dict[str, object]]:
    response = await client.post(
        "/v1/content", data=data, headers={**AUTH, "Content-Type": content_type}
    )
    return response.status_code, await response.get_json()


def assert_standard_error(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "details", "correlation_id"}
    assert error["code"] == code


async def test_store_and_fetch_round_trip_keeps_bytes_and_type(client: QuartClient) -> None:
    data = unique_bytes()

    status, body = await post_content(client, data, "text/markdown; charset=utf-8")
    response = await client.get(f"/v1/content/{body['storage_id']}", headers=AUTH)

    assert status == 201
    assert body == {"storage_id": hashlib.sha256(data).hexdigest()}
    assert response.status_code == 200
    assert await response.get_data() == data
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"


async def test_identical_bytes_are_stored_once_under_one_id(
    client: QuartClient, content_database_url: str
) -> None:
    data = unique_bytes("dedupe")

    results = await asyncio.gather(*(post_content(client, data) for _ in range(8)))

    assert {status for status, _ in results} == {201}
    assert len({body["storage_id"] for _, body in results}) == 1
    engine = create_async_engine_from_settings(content_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            count = await conn.scalar(
                sa.text("SELECT count(*) FROM stored_content WHERE storage_id = :id"),
                {"id": hashlib.sha256(data).hexdigest()},
            )
    finally:
        await engine.dispose()
    assert count == 1


async def test_different_bytes_get_different_ids(client: QuartClient) -> None:
    _, first = await post_content(client, unique_bytes())
    _, second = await post_content(client, unique_bytes())

    assert first["storage_id"] != second["storage_id"]


async def test_content_over_the_limit_is_413_with_the_standard_body(client: QuartClient) -> None:
    status, body = await post_content(client, b"x" * (MAX_BYTES + 1))

    assert status == 413
    assert_standard_error(body, "payload_too_large")
    assert body["error"]["details"]["max_bytes"] == MAX_BYTES  # type: ignore[index]


async def test_content_at_the_limit_is_stored(client: QuartClient) -> None:
    status, _ = await post_content(client, unique_bytes().ljust(MAX_BYTES, b"."))

    assert status == 201


async def test_an_empty_body_is_a_bad_request(client: QuartClient) -> None:
    status, body = await post_content(client, b"")

    assert status == 400
    assert_standard_error(body, "bad_request")


@pytest.mark.parametrize("storage_id", [hashlib.sha256(b"never stored").hexdigest(), "nope"])
async def test_unknown_content_is_404(client: QuartClient, storage_id: str) -> None:
    response = await client.get(f"/v1/content/{storage_id}", headers=AUTH)

    assert response.status_code == 404
    assert_standard_error(await response.get_json(), "not_found")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Service-ID": "file_service", "X-Internal-API-Key": "wrong"},
        {"X-Service-ID": "not_a_service", "X-Internal-API-Key": AUTH["X-Internal-API-Key"]},
    ],
)
async def test_both_routes_need_service_credentials(
    client: QuartClient, headers: dict[str, str]
) -> None:
    _, stored = await post_content(client, unique_bytes())

    post = await client.post("/v1/content", data=b"data", headers=headers)
    get = await client.get(f"/v1/content/{stored['storage_id']}", headers=headers)

    assert (post.status_code, get.status_code) == (401, 401)
    assert_standard_error(await get.get_json(), "unauthorized")


async def test_health_needs_no_credentials_and_ready_checks_postgres(client: QuartClient) -> None:
    health = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert health.status_code == 200
    assert ready.status_code == 200
    assert "postgres" in (await ready.get_json())["checks"]
