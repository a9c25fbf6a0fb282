"""Registration, status and pipeline-state over HTTP against real Postgres and Kafka."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.identity import deterministic_event_id
from huleedu_service_libs.auth import internal_auth_headers
from scripts.launcher.infra import InfraUrls

from .bos_testing import AUTH, find_record, keyed, record_json, registration, scalar, utc

pytestmark = pytest.mark.integration

REGISTERED_TOPIC = topic_name(ProcessingEvent.BATCH_ESSAYS_REGISTERED)


async def register(client: QuartClient, body: object, **headers: str) -> tuple[int, dict]:
    response = await client.post("/v1/batches/register", json=body, headers={**AUTH, **headers})
    return response.status_code, await response.get_json()


async def test_register_stores_the_batch_and_emits_the_event_through_the_outbox(
    client: QuartClient,
    infra: InfraUrls,
    bos_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    user_id = id_factory("teacher")
    correlation_id = str(uuid.uuid4())
    before = datetime.now(UTC)

    status, body = await register(
        client, registration(user_id), **{"X-Correlation-ID": correlation_id}
    )

    assert status == 202, body
    batch_id = body["batch_id"]
    assert body["status"] == "registered"
    assert body["correlation_id"] == correlation_id
    assert len(body["essay_ids"]) == 3 and len(set(body["essay_ids"])) == 3
    row_user = await scalar(
        bos_engine, "SELECT user_id FROM batches WHERE batch_id = :b", b=batch_id
    )
    assert row_user == user_id

    record = await find_record(infra.kafka_bootstrap, REGISTERED_TOPIC, keyed(batch_id))
    envelope = record_json(record)
    expected_id = deterministic_event_id(ProcessingEvent.BATCH_ESSAYS_REGISTERED, batch_id=batch_id)
    assert envelope["event_id"] == str(expected_id)
    assert envelope["event_type"] == REGISTERED_TOPIC
    assert envelope["source_service"] == "batch_orchestrator_service"
    assert envelope["correlation_id"] == correlation_id
    data = envelope["data"]
    assert set(data) == {
        "batch_id",
        "user_id",
        "expected_essay_count",
        "essay_ids",
        "readiness_deadline",
    }
    assert data["batch_id"] == batch_id
    assert data["user_id"] == user_id
    assert data["expected_essay_count"] == 3
    assert data["essay_ids"] == body["essay_ids"]
    deadline = utc(data["readiness_deadline"])
    assert before + timedelta(hours=24) <= deadline <= datetime.now(UTC) + timedelta(hours=24)


async def test_given_essay_ids_are_kept(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    essay_ids = [id_factory("essay") for _ in range(2)]

    status, body = await register(
        client,
        registration(id_factory("teacher"), expected_essay_count=2, essay_ids=essay_ids),
    )

    assert status == 202, body
    assert body["essay_ids"] == essay_ids


@pytest.mark.parametrize(
    ("overrides", "bad_fields"),
    [
        ({"expected_essay_count": 0}, {"expected_essay_count"}),
        ({"expected_essay_count": 501}, {"expected_essay_count"}),
        ({"course_code": "MATH1"}, {"course_code"}),
        ({"essay_instructions": " "}, {"essay_instructions"}),
        ({"user_id": ""}, {"user_id"}),
        ({"essay_ids": ["a", "a", "b"]}, {"essay_ids"}),
        ({"essay_ids": ["a"]}, {"essay_ids"}),
    ],
)
async def test_invalid_registration_answers_400_with_field_errors_and_stores_nothing(
    client: QuartClient,
    bos_engine: AsyncEngine,
    id_factory: Callable[[str], str],
    overrides: dict[str, object],
    bad_fields: set[str],
) -> None:
    user_id = id_factory("teacher")

    body = {**registration(user_id), **overrides}

    status, body = await register(client, body)

    assert status == 400
    error = body["error"]
    assert error["code"] == "validation_error"
    assert {item["field"] for item in error["details"]["errors"]} == bad_fields
    assert error["correlation_id"]
    count = await scalar(bos_engine, "SELECT count(*) FROM batches WHERE user_id = :u", u=user_id)
    assert count == 0


async def test_a_body_that_is_not_a_json_object_answers_400(client: QuartClient) -> None:
    response = await client.post(
        "/v1/batches/register",
        data="not json",
        headers={**AUTH, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "bad_request"


async def test_registration_needs_service_credentials(client: QuartClient) -> None:
    response = await client.post("/v1/batches/register", json=registration("teacher-x"))

    assert response.status_code == 401
    assert (await response.get_json())["error"]["code"] == "unauthorized"


async def test_status_shows_context_and_pipeline_state(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    _, registered = await register(client, registration(user_id))
    batch_id = registered["batch_id"]

    response = await client.get(f"/v1/batches/{batch_id}/status", headers=AUTH)

    assert response.status_code == 200
    body = await response.get_json()
    assert body["batch_id"] == batch_id
    assert body["user_id"] == user_id
    assert body["status"] == "awaiting_content"
    assert body["context"] == {
        "course_code": "SV2",
        "language": "sv",
        "class_designation": "9B",
        "essay_instructions": "Beskriv din sommar.",
        "expected_essay_count": 3,
    }
    assert body["essay_ids"] == registered["essay_ids"]
    assert body["essays"] == [] and body["failed_files"] == []
    assert body["pipeline_state"] == {
        "batch_status": "awaiting_content",
        "pipeline_running": False,
        "accepts_files": True,
        "active_pipeline_run_id": None,
        "queued_pipeline": None,
        "completed_phases": [],
        "latest_run": None,
    }


async def test_status_of_another_users_or_an_unknown_batch_is_404(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    _, registered = await register(client, registration(id_factory("teacher")))
    batch_id = registered["batch_id"]

    other_user = await client.get(
        f"/v1/batches/{batch_id}/status", headers={**AUTH, "X-User-ID": "someone-else"}
    )
    unknown = await client.get(f"/v1/batches/{id_factory('batch')}/status", headers=AUTH)

    assert other_user.status_code == 404
    assert unknown.status_code == 404
    assert (await unknown.get_json())["error"]["code"] == "not_found"


async def test_internal_pipeline_state_with_service_credentials(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    _, registered = await register(client, registration(user_id))
    batch_id = registered["batch_id"]
    file_service = internal_auth_headers("file_service", "bos-integration-test-key")

    response = await client.get(
        f"/internal/v1/batches/{batch_id}/pipeline-state", headers=file_service
    )

    assert response.status_code == 200
    body = await response.get_json()
    assert body["batch_id"] == batch_id
    assert body["user_id"] == user_id
    assert body["batch_status"] == "awaiting_content"
    assert body["pipeline_state"]["batch_status"] == "awaiting_content"
    assert body["pipeline_state"]["pipeline_running"] is False
    assert body["pipeline_state"]["accepts_files"] is True


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Service-ID": "file_service"},
        internal_auth_headers("file_service", "wrong-key"),
        internal_auth_headers("not_a_service", "bos-integration-test-key"),
    ],
)
async def test_internal_pipeline_state_refuses_missing_or_wrong_credentials(
    client: QuartClient, id_factory: Callable[[str], str], headers: dict[str, str]
) -> None:
    _, registered = await register(client, registration(id_factory("teacher")))

    response = await client.get(
        f"/internal/v1/batches/{registered['batch_id']}/pipeline-state", headers=headers
    )

    assert response.status_code == 401
    assert (await response.get_json())["error"]["code"] == "unauthorized"


async def test_internal_pipeline_state_of_an_unknown_batch_is_404(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    batch_id = id_factory("batch")

    response = await client.get(f"/internal/v1/batches/{batch_id}/pipeline-state", headers=AUTH)

    assert response.status_code == 404
    body = await response.get_json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["details"] == {"batch_id": batch_id}
