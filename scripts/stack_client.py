"""Drive a running stack as its callers do (service credentials): demo, tests, benchmarks."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import httpx

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events import ClientBatchPipelineRequestV1
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.platform import Platform

INTAKE_SERVICES = (
    "content_service",
    "batch_orchestrator_service",
    "essay_lifecycle_worker",
    "essay_lifecycle_api",
    "file_service",
)
CALLER = "api_gateway_service"

UploadFile = tuple[str, bytes]


class StackClient:
    """Calls BOS, the File Service and ELS of a running stack as the gateway would."""

    def __init__(self, platform: Platform, timeout_s: float = 30.0) -> None:
        self._platform = platform
        self.auth_headers = internal_auth_headers(CALLER, platform.secrets["internal_api_key"])
        self._http = httpx.AsyncClient(headers=self.auth_headers, timeout=timeout_s)

    async def __aenter__(self) -> StackClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._http.aclose()

    def url(self, service: str, path: str) -> str:
        return f"{self._platform.service_url(service)}{path}"

    async def register_batch(
        self,
        user_id: str,
        essay_count: int,
        *,
        course_code: str = "ENG5",
        instructions: str = "Should schools ban mobile phones? Argue for your view.",
    ) -> dict[str, Any]:
        body = {
            "expected_essay_count": essay_count,
            "course_code": course_code,
            "essay_instructions": instructions,
            "user_id": user_id,
        }
        response = await self._http.post(
            self.url("batch_orchestrator_service", "/v1/batches/register"), json=body
        )
        assert response.status_code == 202, response.text
        return dict(response.json())

    async def upload(
        self, batch_id: str, user_id: str, files: Sequence[UploadFile]
    ) -> httpx.Response:
        return await self._http.post(
            self.url("file_service", "/v1/files/batch"),
            data={"batch_id": batch_id},
            files=[("files", (name, content)) for name, content in files],
            headers={"X-User-ID": user_id},
        )

    async def bos_status(self, batch_id: str) -> dict[str, Any]:
        response = await self._http.get(
            self.url("batch_orchestrator_service", f"/v1/batches/{batch_id}/status")
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def els_batch_status(self, batch_id: str) -> httpx.Response:
        return await self._http.get(
            self.url("essay_lifecycle_api", f"/v1/batches/{batch_id}/status")
        )

    async def wait_for_bos_status(
        self, batch_id: str, statuses: Iterable[str], *, timeout_s: float = 60.0
    ) -> dict[str, Any]:
        wanted = set(statuses)
        deadline = time.monotonic() + timeout_s
        status: dict[str, Any] = {}
        while time.monotonic() < deadline:
            status = await self.bos_status(batch_id)
            if status.get("status") in wanted:
                return status
            await asyncio.sleep(0.1)
        raise AssertionError(f"batch {batch_id} never reached {wanted}; last: {status}")


async def publish_pipeline_request(
    bootstrap: str, batch_id: str, user_id: str, pipeline: str
) -> str:
    """Publish ClientBatchPipelineRequestV1 as the gateway does; its correlation id."""
    correlation_id = uuid.uuid4()
    request = ClientBatchPipelineRequestV1(
        batch_id=batch_id,
        requested_pipeline=pipeline,
        client_correlation_id=str(correlation_id),
        user_id=user_id,
    )
    envelope = build_envelope(
        ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST,
        request,
        source_service=CALLER,
        correlation_id=correlation_id,
    )
    async with KafkaBus(bootstrap, client_id=CALLER, enable_idempotence=False) as bus:
        await bus.publish(envelope, key=batch_id)
    return str(correlation_id)
