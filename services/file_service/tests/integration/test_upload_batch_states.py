"""How uploads react to BOS's answer and availability, and to oversize requests.

BOS cannot yet be brought into a running pipeline (that is the next issue), so a small real
HTTP server answers the pipeline-state route with BOS's response shape here.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient

from scripts.launcher.platform import Platform
from scripts.launcher.processes import free_port
from services.file_service.tests.documents import ESSAY_SENTENCES
from services.file_service.tests.file_testing import (
    StubBos,
    file_settings,
    multipart_body,
    running_app,
    stub_bos,
    upload_headers,
)

from .conftest import MAX_REQUEST_BYTES, Peers

pytestmark = pytest.mark.integration

USER = "teacher-states"
ESSAY = " ".join(ESSAY_SENTENCES).encode()


def bos_answer(batch_id: str, batch_status: str, **pipeline: Any) -> dict[str, Any]:
    running = batch_status == "processing_pipelines"
    state = {
        "batch_status": batch_status,
        "pipeline_running": running,
        "accepts_files": not running,
        "active_pipeline_run_id": "run-1" if running else None,
        "queued_pipeline": None,
        "completed_phases": [],
        **pipeline,
    }
    return {"batch_id": batch_id, "user_id": USER, "batch_status": batch_status,
            "pipeline_state": state}  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bos() -> AsyncIterator[tuple[StubBos, str]]:
    async with stub_bos() as stub:
        yield stub


def app_settings(platform: Platform, peers: Peers, database_url: str, bos_url: str) -> Any:
    return file_settings(
        platform.infra,
        database_url,
        api_key=peers.api_key,
        bos_url=bos_url,
        content_url=peers.content_url,
        max_request_bytes=MAX_REQUEST_BYTES,
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stubbed_client(
    platform: Platform, peers: Peers, file_database_url: str, bos: tuple[StubBos, str]
) -> AsyncIterator[QuartClient]:
    settings = app_settings(platform, peers, file_database_url, bos[1])
    async with running_app(settings) as client:
        yield client


async def post(client: QuartClient, peers: Peers, batch_id: str, data: bytes) -> Any:
    body, content_type = multipart_body({"batch_id": batch_id}, [("essay.txt", data)])
    headers = {**upload_headers(peers.api_key, USER), **content_type}
    return await client.post("/v1/files/batch", data=body, headers=headers)


async def error_of(response: Any) -> dict[str, Any]:
    body = await response.get_json()
    assert set(body["error"]) == {"code", "message", "details", "correlation_id"}
    return dict(body["error"])


async def test_a_running_pipeline_answers_409(
    stubbed_client: QuartClient, peers: Peers, bos: tuple[StubBos, str]
) -> None:
    batch_id = f"batch-{uuid.uuid4()}"
    bos[0].answers[batch_id] = bos_answer(batch_id, "processing_pipelines")

    response = await post(stubbed_client, peers, batch_id, ESSAY)

    assert response.status_code == 409
    error = await error_of(response)
    assert error["code"] == "conflict"
    assert error["details"]["batch_status"] == "processing_pipelines"


async def test_a_batch_bos_closed_for_files_answers_409(
    stubbed_client: QuartClient, peers: Peers, bos: tuple[StubBos, str]
) -> None:
    batch_id = f"batch-{uuid.uuid4()}"
    bos[0].answers[batch_id] = bos_answer(batch_id, "completed_successfully", accepts_files=False)

    response = await post(stubbed_client, peers, batch_id, ESSAY)

    assert response.status_code == 409
    assert (await error_of(response))["details"]["batch_status"] == "completed_successfully"


async def test_a_ready_batch_still_takes_files(
    stubbed_client: QuartClient, peers: Peers, bos: tuple[StubBos, str]
) -> None:
    batch_id = f"batch-{uuid.uuid4()}"
    bos[0].answers[batch_id] = bos_answer(batch_id, "ready_for_pipeline_execution")

    response = await post(stubbed_client, peers, batch_id, ESSAY)

    assert response.status_code == 202
    assert len((await response.get_json())["accepted"]) == 1


async def test_bos_unreachable_answers_503(
    platform: Platform, peers: Peers, file_database_url: str
) -> None:
    dead_bos = f"http://127.0.0.1:{free_port()}"
    settings = app_settings(platform, peers, file_database_url, dead_bos)

    async with running_app(settings) as client:
        response = await post(client, peers, f"batch-{uuid.uuid4()}", ESSAY)

    assert response.status_code == 503
    error = await error_of(response)
    assert error["code"] == "service_unavailable"
    assert error["details"] == {"dependency": "batch_orchestrator_service"}


async def test_content_service_unreachable_answers_503_and_records_nothing(
    platform: Platform,
    peers: Peers,
    file_database_url: str,
    bos: tuple[StubBos, str],
    stubbed_client: QuartClient,
) -> None:
    batch_id = f"batch-{uuid.uuid4()}"
    bos[0].answers[batch_id] = bos_answer(batch_id, "awaiting_content")
    settings = app_settings(platform, peers, file_database_url, bos[1])
    settings = settings.model_copy(update={"content_url": f"http://127.0.0.1:{free_port()}"})

    async with running_app(settings) as client:
        failed = await post(client, peers, batch_id, ESSAY)
    retried = await post(stubbed_client, peers, batch_id, ESSAY)

    assert failed.status_code == 503
    assert (await error_of(failed))["details"] == {"dependency": "content_service"}
    # Accepted, not rejected as a duplicate: the failed attempt left no record behind.
    assert retried.status_code == 202
    assert [item["file_name"] for item in (await retried.get_json())["accepted"]] == ["essay.txt"]


async def test_a_request_over_the_size_limit_answers_413(
    stubbed_client: QuartClient, peers: Peers
) -> None:
    response = await post(stubbed_client, peers, "batch-any", b"x" * (MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    error = await error_of(response)
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"max_request_bytes": MAX_REQUEST_BYTES}
