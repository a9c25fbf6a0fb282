"""The status API in-process (Quart test client) on the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from prometheus_client import CollectorRegistry
from quart.typing import TestClientProtocol as Client

from huleedu_service_libs.auth import internal_auth_headers
from services.essay_lifecycle_service.app import create_app
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import incoming_content, incoming_failure
from services.essay_lifecycle_service.tests.integration.support import (
    content,
    failure,
    new_ids,
    registered,
)

pytestmark = pytest.mark.integration

API_KEY = "els-api-test-key"
AUTH = internal_auth_headers("batch_orchestrator_service", API_KEY)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(database_url: str) -> AsyncIterator[Client]:
    settings = ElsSettings(database_url=database_url, internal_api_key=API_KEY, log_level="WARNING")
    app = create_app(settings, metrics_registry=CollectorRegistry())
    async with app.test_app() as test_app:
        yield test_app.test_client()


async def seed_batch(intake: IntakeService) -> tuple[str, list[str], Any]:
    """A batch of 3: one content, one failure, one slot still empty."""
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    reg = registered(batch_id, essay_ids)
    await intake.register_batch(reg.data, reg.event_id, reg.correlation_id)
    good, bad = content(batch_id), failure(batch_id)
    await intake.accept_file(incoming_content(good.data), good.event_id, good.correlation_id)
    await intake.accept_file(incoming_failure(bad.data), bad.event_id, bad.correlation_id)
    return batch_id, essay_ids, good


async def test_batch_status_counts_essays_per_status(client: Client, intake: IntakeService) -> None:
    batch_id, _, _ = await seed_batch(intake)
    response = await client.get(f"/v1/batches/{batch_id}/status", headers=AUTH)
    assert response.status_code == 200
    body = await response.get_json()
    assert body["essay_counts"] == {"awaiting_content": 2, "content_failed": 1}
    assert (body["status"], body["expected_essay_count"], body["slots_filled"]) == (
        "awaiting_content",
        3,
        2,
    )
    assert body["user_id"] == "user-els-tests"


async def test_essay_status_shows_its_file(client: Client, intake: IntakeService) -> None:
    batch_id, essay_ids, good = await seed_batch(intake)
    response = await client.get(f"/v1/essays/{essay_ids[0]}/status", headers=AUTH)
    assert response.status_code == 200
    body = await response.get_json()
    assert body["batch_id"] == batch_id
    assert body["status"] == "awaiting_content" and body["content_assigned"] is True
    assert body["text_storage_id"] == good.data.text_storage_id
    failed = await (await client.get(f"/v1/essays/{essay_ids[1]}/status", headers=AUTH)).get_json()
    assert failed["status"] == "content_failed"
    assert failed["failure"]["reason_code"] == "unsupported_file_type"


async def test_essay_timeline_lists_each_transition_with_its_cause(
    client: Client, intake: IntakeService
) -> None:
    _, essay_ids, _ = await seed_batch(intake)
    response = await client.get(f"/v1/essays/{essay_ids[1]}/timeline", headers=AUTH)
    assert response.status_code == 200
    transitions = (await response.get_json())["transitions"]
    steps = [(t["from_status"], t["to_status"], t["cause"]) for t in transitions]
    assert steps == [
        (None, "awaiting_content", "batch_registered"),
        ("awaiting_content", "content_failed", "validation_failed"),
    ]
    assert all(t["at"] and t["event_id"] for t in transitions)


async def test_unknown_ids_answer_404_with_the_standard_body(client: Client) -> None:
    for path in ("/v1/batches/nope/status", "/v1/essays/nope/status", "/v1/essays/nope/timeline"):
        response = await client.get(path, headers=AUTH)
        assert response.status_code == 404
        error = (await response.get_json())["error"]
        assert error["code"] == "not_found" and error["message"]


async def test_an_essay_id_used_by_two_batches_needs_the_batch_id(
    client: Client, intake: IntakeService
) -> None:
    shared = new_ids("essay", 1)
    first, second = new_ids("batch", 2)
    for batch_id in (first, second):
        reg = registered(batch_id, shared)
        await intake.register_batch(reg.data, reg.event_id, reg.correlation_id)
    ambiguous = await client.get(f"/v1/essays/{shared[0]}/status", headers=AUTH)
    assert ambiguous.status_code == 409
    chosen = await client.get(f"/v1/essays/{shared[0]}/status?batch_id={second}", headers=AUTH)
    assert (await chosen.get_json())["batch_id"] == second


async def test_routes_require_service_credentials(client: Client) -> None:
    response = await client.get("/v1/batches/any/status")
    assert response.status_code == 401
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200
