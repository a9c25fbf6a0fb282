"""Register and pipeline requests through the gateway in front of the real BOS; the request
event on the real Kafka topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from common_core.event_enums import ProcessingEvent, topic_name
from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from services.api_gateway_service.tests.gateway_testing import (
    auth,
    find_record,
    gateway_client,
    gateway_settings,
    record_json,
)

pytestmark = pytest.mark.integration

REGISTRATION = {
    "expected_essay_count": 2,
    "course_code": "ENG5",
    "essay_instructions": "Should schools ban mobile phones? Argue for your view.",
}


async def register(gateway: httpx.AsyncClient, user_id: str) -> dict[str, Any]:
    response = await gateway.post("/v1/batches/register", json=REGISTRATION, headers=auth(user_id))
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_register_takes_the_owner_from_the_token(
    gateway: httpx.AsyncClient, platform: Platform, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch = await register(gateway, user_id)

    assert len(batch["essay_ids"]) == 2
    bos = httpx.AsyncClient(base_url=platform.service_url("batch_orchestrator_service"))
    async with bos:
        state = await bos.get(
            f"/internal/v1/batches/{batch['batch_id']}/pipeline-state",
            headers={
                "X-Service-ID": "api_gateway_service",
                "X-Internal-API-Key": platform.secrets["internal_api_key"],
            },
        )
    assert state.json()["user_id"] == user_id


async def test_a_user_id_in_the_register_body_is_refused(
    gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    body = {**REGISTRATION, "user_id": "someone-else"}
    response = await gateway.post(
        "/v1/batches/register", json=body, headers=auth(id_factory("teacher"))
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [e["field"] for e in error["details"]["errors"]] == ["user_id"]
    assert error["correlation_id"] == response.headers["X-Correlation-ID"]


async def test_pipeline_request_publishes_the_client_request_event(
    gateway: httpx.AsyncClient, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id = (await register(gateway, user_id))["batch_id"]

    response = await gateway.post(
        f"/v1/batches/{batch_id}/pipelines",
        json={"requested_pipeline": "spellcheck"},
        headers=auth(user_id),
    )

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert accepted["batch_id"] == batch_id
    topic = topic_name(ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST)
    record = await find_record(infra.kafka_bootstrap, topic, lambda r: r.key == batch_id.encode())
    envelope = record_json(record)
    assert envelope["event_type"] == topic
    assert envelope["source_service"] == "api_gateway_service"
    assert envelope["correlation_id"] == accepted["correlation_id"]
    assert envelope["data"] == {
        "batch_id": batch_id,
        "requested_pipeline": "spellcheck",
        "client_correlation_id": accepted["correlation_id"],
        "user_id": user_id,
    }


async def test_pipeline_request_for_another_users_batch_is_not_found(
    gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    batch_id = (await register(gateway, id_factory("owner")))["batch_id"]

    response = await gateway.post(
        f"/v1/batches/{batch_id}/pipelines",
        json={"requested_pipeline": "spellcheck"},
        headers=auth(id_factory("intruder")),
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_unknown_batch_and_unknown_pipeline(
    gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    headers = auth(id_factory("teacher"))
    missing = await gateway.post(
        "/v1/batches/no-such-batch/pipelines",
        json={"requested_pipeline": "spellcheck"},
        headers=headers,
    )
    unknown = await gateway.post(
        "/v1/batches/no-such-batch/pipelines",
        json={"requested_pipeline": "ai_feedback"},
        headers=headers,
    )

    assert missing.status_code == 404
    assert unknown.status_code == 400
    details = unknown.json()["error"]["details"]
    assert details["available_pipelines"] == ["spellcheck", "cj_assessment"]


async def test_kafka_unavailable_answers_503(
    platform: Platform, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    settings = gateway_settings(
        infra,
        internal_api_key=platform.secrets["internal_api_key"],
        bos_url=platform.service_url("batch_orchestrator_service"),
        kafka_bootstrap_servers="127.0.0.1:1",
        kafka_connect_timeout_seconds=0.5,
        kafka_publish_timeout_seconds=1.0,
    )
    user_id = id_factory("teacher")
    async with gateway_client(settings) as gateway:
        batch_id = (await register(gateway, user_id))["batch_id"]
        response = await gateway.post(
            f"/v1/batches/{batch_id}/pipelines",
            json={"requested_pipeline": "spellcheck"},
            headers=auth(user_id),
        )

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert "Kafka" in error["message"]
