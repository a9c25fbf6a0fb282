"""Upload limits are enforced by the gateway before anything reaches the File Service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio

from scripts.launcher.infra import InfraUrls
from services.api_gateway_service.tests.gateway_testing import (
    auth,
    gateway_client,
    gateway_settings,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def small_gateway(infra: InfraUrls) -> AsyncIterator[httpx.AsyncClient]:
    settings = gateway_settings(
        infra, max_files_per_upload=2, max_file_bytes=1000, max_upload_bytes=2500
    )
    async with gateway_client(settings) as client:
        yield client


def essay(name: str, size: int) -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (name, b"e" * size, "text/plain"))


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ([essay("a.txt", 10), essay("b.txt", 10), essay("c.txt", 10)], 400, "validation_error"),
        ([essay("big.txt", 1001)], 413, "payload_too_large"),
        ([], 400, "validation_error"),
    ],
    ids=["too-many-files", "file-too-large", "no-files"],
)
async def test_limits(
    small_gateway: httpx.AsyncClient,
    id_factory: Callable[[str], str],
    files: list[tuple[str, tuple[str, bytes, str]]],
    status: int,
    code: str,
) -> None:
    response = await small_gateway.post(
        "/v1/files/batch",
        data={"batch_id": "b-1"},
        files=files or {"placeholder": ("", b"", "text/plain")},
        headers=auth(id_factory("teacher")),
    )

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


async def test_a_body_declared_too_large_is_refused_before_it_is_read(
    small_gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    response = await small_gateway.post(
        "/v1/files/batch",
        data={"batch_id": "b-1"},
        files=[essay("a.txt", 900), essay("b.txt", 900), essay("c.txt", 900)],
        headers=auth(id_factory("teacher")),
    )

    assert response.status_code == 413
    assert response.json()["error"]["details"]["max_upload_bytes"] == 2500


async def test_missing_batch_id(
    small_gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    response = await small_gateway.post(
        "/v1/files/batch", files=[essay("a.txt", 10)], headers=auth(id_factory("teacher"))
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"]["errors"][0]["field"] == "batch_id"


async def test_a_valid_upload_is_forwarded(
    small_gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    # Within the limits the gateway calls the File Service — not running here: 503.
    response = await small_gateway.post(
        "/v1/files/batch",
        data={"batch_id": "b-1"},
        files=[essay("a.txt", 10)],
        headers=auth(id_factory("teacher")),
    )

    assert response.status_code == 503
    assert response.json()["error"]["details"] == {"service": "file_service"}
