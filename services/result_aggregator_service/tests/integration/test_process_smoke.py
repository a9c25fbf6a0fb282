"""RAS as a process on the embedded platform: health, auth, and a consumed registration."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.platform import Platform
from services.result_aggregator_service.tests.ras_events import BatchStory

pytestmark = [pytest.mark.integration, pytest.mark.functional]

SERVICE = "result_aggregator_service"


async def test_ras_process_serves_the_view_of_a_registered_batch(
    platform: Platform, id_factory: Callable[[str], str]
) -> None:
    await platform.start_services([SERVICE])
    headers = internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))

    async with httpx.AsyncClient(base_url=platform.service_url(SERVICE), timeout=10) as http:
        assert (await http.get("/readyz")).status_code == 200
        assert (await http.get(f"/internal/v1/batches/{story.batch_id}/status")).status_code == 401
        async with KafkaBus(
            platform.infra.kafka_bootstrap, client_id="ras-smoke", enable_idempotence=False
        ) as bus:
            registration = story.intake()[0]
            await bus.publish(registration, key=story.batch_id)
        body = await _status_when_known(http, story.batch_id, headers)

    assert (body["user_id"], body["status"], body["seq"]) == (story.user_id, "pending_content", 1)


async def _status_when_known(
    http: httpx.AsyncClient, batch_id: str, headers: dict[str, str]
) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            response = await http.get(f"/internal/v1/batches/{batch_id}/status", headers=headers)
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                return body
            assert response.status_code == 404, response.text
            await asyncio.sleep(0.1)
