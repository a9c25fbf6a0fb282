"""`POST /internal/v1/pipelines/define` on the in-process app with real Postgres/Redis/Kafka."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry
from quart.typing import TestClientProtocol as QuartClient

from common_core.event_enums import PIPELINE_RESOLUTION_DLQ_TOPIC
from scripts.launcher.infra import InfraUrls

from .bcs_testing import AUTH, DEFINE, define, find_record, keyed

pytestmark = pytest.mark.integration


async def test_unknown_batch_gets_every_phase_in_dependency_order(
    client: QuartClient, id_factory: Callable[[str], str]
) -> None:
    batch_id = id_factory("batch")

    status, body = await define(client, batch_id, "cj_assessment")

    assert status == 200, body
    assert body["batch_id"] == batch_id
    assert body["final_pipeline"] == ["spellcheck", "cj_assessment"]
    assert body["pruned_phases"] == []
    summary = body["analysis_summary"]
    assert summary["known_essay_count"] == 0
    assert summary["state_source"] == "database"

    _, again = await define(client, batch_id, "spellcheck")
    assert again["final_pipeline"] == ["spellcheck"]
    assert again["analysis_summary"]["state_source"] == "cache"


@pytest.mark.parametrize("pipeline", ["ai_feedback", "nlp", "grammar_magic"])
async def test_unavailable_pipeline_is_a_400_naming_the_pipelines_and_dead_lettered(
    client: QuartClient, infra: InfraUrls, id_factory: Callable[[str], str], pipeline: str
) -> None:
    batch_id = id_factory("batch")

    status, body = await define(client, batch_id, pipeline)

    assert status == 400
    error = body["error"]
    assert error["code"] == "bad_request"
    assert "available pipelines: cj_assessment, spellcheck" in error["message"]
    assert error["details"] == {
        "reason": "unknown_pipeline",
        "requested_pipeline": pipeline,
        "available_pipelines": ["cj_assessment", "spellcheck"],
    }
    dlq = PIPELINE_RESOLUTION_DLQ_TOPIC
    letter = await find_record(infra.kafka_bootstrap, dlq, keyed(batch_id))
    assert letter["schema_version"] == 1
    assert letter["service"] == "batch_conductor_service"
    assert letter["request"]["requested_pipeline"] == pipeline
    assert letter["failed_event_envelope"] is None
    assert pipeline in letter["dlq_reason"]
    assert letter["timestamp"]


async def test_invalid_body_is_a_validation_error(client: QuartClient) -> None:
    response = await client.post(DEFINE, json={"batch_id": "b1"}, headers=AUTH)

    assert response.status_code == 400
    body = await response.get_json()
    assert body["error"]["code"] == "validation_error"
    fields = {item["field"] for item in body["error"]["details"]["errors"]}
    assert fields == {"requested_pipeline", "correlation_id"}


async def test_service_credentials_are_required(client: QuartClient) -> None:
    body = {"batch_id": "b1", "requested_pipeline": "spellcheck", "correlation_id": "c"}

    response = await client.post(DEFINE, json=body)

    assert response.status_code == 401


async def test_metrics_count_resolutions_by_status(
    client: QuartClient, metrics_registry: CollectorRegistry, id_factory: Callable[[str], str]
) -> None:
    def count(status: str) -> float:
        labels = {"status": status}
        return metrics_registry.get_sample_value("bcs_pipeline_resolutions_total", labels) or 0

    before_ok, before_unknown = count("success"), count("unknown_pipeline")
    await define(client, id_factory("batch"), "spellcheck")
    await define(client, id_factory("batch"), "ai_feedback")

    assert count("success") == before_ok + 1
    assert count("unknown_pipeline") == before_unknown + 1
    page = await (await client.get("/metrics")).get_data(as_text=True)
    assert 'bcs_pipeline_resolutions_total{status="success"}' in page
    assert "bcs_pipeline_resolution_duration_seconds_bucket" in page
