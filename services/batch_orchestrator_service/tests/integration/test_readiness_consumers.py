"""BatchEssaysReady / BatchReadinessTimeout consumed from the real topics by the running app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.event_enums import ProcessingEvent, dlq_topic_name, topic_name
from common_core.event_registry import envelope_to_bytes
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from services.batch_orchestrator_service.config import BOSSettings

from .bos_testing import (
    AUTH,
    essays_ready,
    find_record,
    keyed,
    readiness_timeout,
    record_json,
    registration,
    scalar,
    wait_for_commit,
    wait_for_status,
)

pytestmark = pytest.mark.integration

READY_TOPIC = topic_name(ProcessingEvent.BATCH_ESSAYS_READY)
TIMEOUT_TOPIC = topic_name(ProcessingEvent.BATCH_READINESS_TIMEOUT)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bus(infra: InfraUrls) -> AsyncIterator[KafkaBus]:
    async with KafkaBus(infra.kafka_bootstrap, client_id="bos-it", enable_idempotence=False) as b:
        yield b


async def new_batch(client: QuartClient, user_id: str) -> dict[str, Any]:
    response = await client.post("/v1/batches/register", json=registration(user_id), headers=AUTH)
    assert response.status_code == 202
    body: dict[str, Any] = await response.get_json()
    return body


async def status_of(client: QuartClient, batch_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/batches/{batch_id}/status", headers=AUTH)
    body: dict[str, Any] = await response.get_json()
    return body


async def test_essays_ready_makes_the_batch_ready_with_essays_and_failed_files(
    client: QuartClient, bus: KafkaBus, id_factory: Callable[[str], str]
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id, essay_ids = batch["batch_id"], batch["essay_ids"]

    await bus.publish(essays_ready(batch_id, essay_ids[:2]), key=batch_id)

    body = await wait_for_status(client, batch_id, "ready_for_pipeline_execution")
    assert [essay["essay_id"] for essay in body["essays"]] == essay_ids[:2]
    assert body["essays"][0]["text_storage_id"] == f"text-{essay_ids[0]}"
    assert body["essays"][0]["student_email"] == "ann@example.com"
    assert body["failed_files"] == [
        {
            "file_upload_id": "upload-bad",
            "original_file_name": "notes.exe",
            "reason_code": "unsupported_file_type",
        }
    ]
    assert body["ready_essay_count"] == 2
    assert body["pipeline_state"]["batch_status"] == "ready_for_pipeline_execution"


async def test_readiness_timeout_keeps_missing_essays(
    client: QuartClient, bus: KafkaBus, id_factory: Callable[[str], str]
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id, essay_ids = batch["batch_id"], batch["essay_ids"]

    await bus.publish(readiness_timeout(batch_id, essay_ids[2:], 2), key=batch_id)

    body = await wait_for_status(client, batch_id, "readiness_timed_out")
    assert body["missing_essay_ids"] == essay_ids[2:]
    assert body["ready_essay_count"] == 2
    assert body["pipeline_state"]["accepts_files"] is True


async def test_readiness_timeout_with_no_arrived_essay_fails_the_batch(
    client: QuartClient, bus: KafkaBus, id_factory: Callable[[str], str]
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id = batch["batch_id"]

    await bus.publish(readiness_timeout(batch_id, batch["essay_ids"], 0), key=batch_id)

    body = await wait_for_status(client, batch_id, "failed")
    assert body["status_reason"] == "readiness_timed_out_without_essays"


async def test_an_event_for_an_unknown_batch_is_recorded_and_skipped(
    bus: KafkaBus,
    bos_engine: AsyncEngine,
    bos_settings: BOSSettings,
    infra: InfraUrls,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    event = essays_ready(batch_id, [id_factory("essay")])

    sent = await bus.publish(event, key=batch_id)

    group = bos_settings.consumer_group_id
    await wait_for_commit(infra.kafka_bootstrap, group, READY_TOPIC, sent.partition, sent.offset)
    sql = "SELECT count(*) FROM processed_events WHERE event_id = :e"
    assert await scalar(bos_engine, sql, e=str(event.event_id)) == 1
    sql = "SELECT count(*) FROM batches WHERE batch_id = :b"
    assert await scalar(bos_engine, sql, b=batch_id) == 0


async def test_each_event_redelivered_five_times_changes_nothing(
    client: QuartClient,
    bus: KafkaBus,
    bos_engine: AsyncEngine,
    bos_settings: BOSSettings,
    infra: InfraUrls,
    id_factory: Callable[[str], str],
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id, essay_ids = batch["batch_id"], batch["essay_ids"]
    ready = essays_ready(batch_id, essay_ids)
    await bus.publish(ready, key=batch_id)
    first = await wait_for_status(client, batch_id, "ready_for_pipeline_execution")
    late_timeout = readiness_timeout(batch_id, essay_ids[:1], 2)

    for _ in range(5):
        await bus.publish(ready, key=batch_id)
        await bus.publish(late_timeout, key=batch_id)
    last_ready = await bus.publish(ready, key=batch_id)
    last_timeout = await bus.publish(late_timeout, key=batch_id)
    group = bos_settings.consumer_group_id
    bootstrap = infra.kafka_bootstrap
    await wait_for_commit(bootstrap, group, READY_TOPIC, last_ready.partition, last_ready.offset)
    await wait_for_commit(
        bootstrap, group, TIMEOUT_TOPIC, last_timeout.partition, last_timeout.offset
    )

    assert await status_of(client, batch_id) == first
    for event_id in (ready.event_id, late_timeout.event_id):
        recorded = await scalar(
            bos_engine,
            "SELECT count(*) FROM processed_events WHERE event_id = :e",
            e=str(event_id),
        )
        assert recorded == 1


async def test_a_malformed_envelope_is_dead_lettered_and_the_next_message_handled(
    client: QuartClient,
    bus: KafkaBus,
    bos_engine: AsyncEngine,
    infra: InfraUrls,
    id_factory: Callable[[str], str],
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id, essay_ids = batch["batch_id"], batch["essay_ids"]
    broken = b'{"event_type": "' + READY_TOPIC.encode() + b'", "data": {"batch_id": 1}}'

    await bus.publish_raw(READY_TOPIC, broken, key=batch_id.encode(), headers=[])
    await bus.publish(essays_ready(batch_id, essay_ids), key=batch_id)

    await wait_for_status(client, batch_id, "ready_for_pipeline_execution")
    record = await find_record(infra.kafka_bootstrap, dlq_topic_name(READY_TOPIC), keyed(batch_id))
    letter = record_json(record)
    assert letter["source_topic"] == READY_TOPIC
    assert letter["reason"] == "invalid_envelope"
    assert letter["service"] == "batch_orchestrator_service"
    stored = await scalar(
        bos_engine,
        "SELECT count(*) FROM dead_letters WHERE source_topic = :t AND key = :k",
        t=READY_TOPIC,
        k=batch_id.encode(),
    )
    assert stored == 1


async def test_a_payload_of_the_wrong_schema_on_the_timeout_topic_is_dead_lettered(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    batch = await new_batch(client, id_factory("teacher"))
    batch_id, essay_ids = batch["batch_id"], batch["essay_ids"]
    wrong = json.loads(envelope_to_bytes(readiness_timeout(batch_id, essay_ids[:1], 2)))
    wrong["data"]["missing_essay_ids"] = []  # the contract needs at least one

    await bus.publish_raw(
        TIMEOUT_TOPIC, json.dumps(wrong).encode(), key=batch_id.encode(), headers=[]
    )
    await bus.publish(readiness_timeout(batch_id, essay_ids[:1], 2), key=batch_id)

    body = await wait_for_status(client, batch_id, "readiness_timed_out")
    assert body["missing_essay_ids"] == essay_ids[:1]
    record = await find_record(
        infra.kafka_bootstrap, dlq_topic_name(TIMEOUT_TOPIC), keyed(batch_id)
    )
    assert record_json(record)["error_type"] == "EnvelopeValidationError"
