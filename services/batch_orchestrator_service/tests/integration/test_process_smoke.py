"""BOS as a process on the embedded platform: health, registration, its event, a consumed event."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from common_core.event_enums import ProcessingEvent, topic_name
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.platform import Platform

from .bos_testing import essays_ready, find_record, keyed, record_json, registration

pytestmark = [pytest.mark.integration, pytest.mark.functional]

SERVICE = "batch_orchestrator_service"


async def wait_for_batch_status(
    http: httpx.AsyncClient, batch_id: str, status: str
) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            response = await http.get(f"/internal/v1/batches/{batch_id}/pipeline-state")
            body: dict[str, Any] = response.json()
            if body.get("batch_status") == status:
                return body
            await asyncio.sleep(0.1)


async def test_bos_process_registers_and_consumes(
    platform: Platform, id_factory: Callable[[str], str]
) -> None:
    await platform.start_services([SERVICE])
    headers = internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])
    user_id = id_factory("teacher")

    async with httpx.AsyncClient(
        base_url=platform.service_url(SERVICE), headers=headers, timeout=10
    ) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
        response = await http.post("/v1/batches/register", json=registration(user_id))
        assert response.status_code == 202, response.text
        batch = response.json()
        batch_id = batch["batch_id"]

        bootstrap = platform.infra.kafka_bootstrap
        topic = topic_name(ProcessingEvent.BATCH_ESSAYS_REGISTERED)
        event = record_json(await find_record(bootstrap, topic, keyed(batch_id)))
        assert event["data"]["user_id"] == user_id

        async with KafkaBus(bootstrap, client_id="bos-smoke", enable_idempotence=False) as bus:
            await bus.publish(essays_ready(batch_id, batch["essay_ids"]), key=batch_id)
        state = await wait_for_batch_status(http, batch_id, "ready_for_pipeline_execution")
        assert state["user_id"] == user_id
        assert state["pipeline_state"]["pipeline_running"] is False
