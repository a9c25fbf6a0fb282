"""Helpers of the BOS orchestration tests: a real BCS served over HTTP, events, Kafka reads."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events.base import EssayTextRef
from common_core.events.envelope import EventEnvelope
from common_core.events.pipeline import ClientBatchPipelineRequestV1, ELSBatchPhaseOutcomeV1
from common_core.status_enums import PhaseName, PipelineExecutionStatus
from huleedu_service_libs.kafka.testing import embedded_broker_options
from huleedu_service_libs.quart_app import serve_app, service_runtime
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.batch_conductor_service.app import create_app as create_bcs_app
from services.batch_conductor_service.config import BCSSettings

from .bos_testing import API_KEY, AUTH, essays_ready, record_json, registration

REQUEST_TOPIC = topic_name(ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST)
OUTCOME_TOPIC = topic_name(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)
REJECTED_TOPIC = topic_name(ProcessingEvent.PIPELINE_REQUEST_REJECTED)
STARTED_TOPIC = topic_name(ProcessingEvent.BATCH_PIPELINE_STARTED)
PHASE_STARTED_TOPIC = topic_name(ProcessingEvent.BATCH_PHASE_STARTED)
SPELLCHECK_TOPIC = topic_name(ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND)
CJ_TOPIC = topic_name(ProcessingEvent.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND)
COMPLETED_TOPIC = topic_name(ProcessingEvent.BATCH_PIPELINE_COMPLETED)
BCS_DIR = SERVICES_ROOT / "batch_conductor_service"


async def migrated_bcs_database(infra: InfraUrls) -> str:
    url = await infra.create_database(f"bcs_for_bos_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "BCS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("batch_conductor_service", BCS_DIR, env)
    return url


def bcs_settings(infra: InfraUrls, database_url: str, port: int) -> BCSSettings:
    return BCSSettings(
        database_url=database_url,
        redis_url=infra.redis_url,
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=250,
        internal_api_key=SecretStr(API_KEY),
        consumer_group_id=f"bcs-for-bos-{uuid.uuid4().hex[:12]}",
        log_format="json",
        db_pool_size=3,
        http_port=port,
    )


@asynccontextmanager
async def served_bcs(settings: BCSSettings) -> AsyncIterator[str]:
    """The real Batch Conductor Service served over HTTP on `settings.http_port`; its URL."""
    app = create_bcs_app(
        settings,
        consumer_options=embedded_broker_options(max_attempts=2),
        metrics_registry=CollectorRegistry(),
    )
    url = f"http://127.0.0.1:{settings.http_port}"
    task = asyncio.create_task(
        serve_app(app, "127.0.0.1", settings.http_port, handle_signals=False)
    )
    try:
        await _wait_until_healthy(url, task)
        yield url
    finally:
        service_runtime(app).request_shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=20)


async def _wait_until_healthy(url: str, task: asyncio.Task[None]) -> None:
    async with httpx.AsyncClient(timeout=1) as http, asyncio.timeout(30):
        while True:
            if task.done():
                task.result()  # raises the startup failure
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)


def pipeline_request(
    batch_id: str, pipeline: str, user_id: str
) -> EventEnvelope[ClientBatchPipelineRequestV1]:
    data = ClientBatchPipelineRequestV1(
        batch_id=batch_id,
        requested_pipeline=pipeline,
        client_correlation_id=f"client-{uuid.uuid4().hex[:8]}",
        user_id=user_id,
    )
    return build_envelope(
        ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST,
        data,
        source_service="api_gateway_service",
        correlation_id=uuid.uuid4(),
    )


def phase_outcome(
    batch_id: str,
    run_id: str,
    phase: PhaseName,
    processed: dict[str, str],
    failed: Sequence[str] = (),
) -> EventEnvelope[ELSBatchPhaseOutcomeV1]:
    """ELS's outcome: `processed` maps essay id -> the text the next phase should read."""
    if not failed:
        status = PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
    elif processed:
        status = PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS
    else:
        status = PipelineExecutionStatus.FAILED
    data = ELSBatchPhaseOutcomeV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        phase_name=phase,
        phase_status=status,
        processed_essays=[
            EssayTextRef(essay_id=essay_id, text_storage_id=text)
            for essay_id, text in processed.items()
        ],
        failed_essay_ids=list(failed),
    )
    return build_envelope(
        ProcessingEvent.ELS_BATCH_PHASE_OUTCOME,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )


async def keyed_records(
    bootstrap: str, topic: str, batch_id: str, *, at_least: int = 1, timeout_s: float = 30.0
) -> list[dict[str, Any]]:
    """Every record of `topic` keyed by `batch_id` (as JSON), once at least `at_least` exist."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(assigned)
        ends = await consumer.end_offsets(assigned)
        async with asyncio.timeout(timeout_s):
            while len(found) < at_least or not await _at_end(consumer, ends):
                batch = await consumer.getmany(timeout_ms=100)
                for records in batch.values():
                    found.extend(r for r in records if r.key == batch_id.encode())
                if len(found) < at_least:
                    ends = await consumer.end_offsets(assigned)
    finally:
        await consumer.stop()
    return [record_json(record) for record in found]


async def _at_end(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


async def keyed_data(
    bootstrap: str, topic: str, batch_id: str, *, at_least: int = 1
) -> list[dict[str, Any]]:
    """The `data` of every envelope on `topic` keyed by `batch_id`."""
    return [e["data"] for e in await keyed_records(bootstrap, topic, batch_id, at_least=at_least)]


async def ready_batch(
    client: QuartClient, publish: Any, user_id: str, *, course_code: str = "SV2"
) -> tuple[str, list[str]]:
    """A registered batch made ready with all its essays; (batch id, essay ids)."""
    batch_id, essay_ids = await registered_batch(client, user_id, course_code=course_code)
    await publish(essays_ready(batch_id, essay_ids), key=batch_id)
    await wait_for_batch_status(client, batch_id, "ready_for_pipeline_execution")
    return batch_id, essay_ids


async def registered_batch(
    client: QuartClient, user_id: str, *, course_code: str = "SV2"
) -> tuple[str, list[str]]:
    response = await client.post(
        "/v1/batches/register", json=registration(user_id, course_code=course_code), headers=AUTH
    )
    assert response.status_code == 202
    body: dict[str, Any] = await response.get_json()
    return body["batch_id"], body["essay_ids"]


async def batch_status(client: QuartClient, batch_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/batches/{batch_id}/status", headers=AUTH)
    body: dict[str, Any] = await response.get_json()
    return body


async def wait_for_batch_status(
    client: QuartClient, batch_id: str, status: str, *, timeout_s: float = 30.0
) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            body = await batch_status(client, batch_id)
            if body.get("status") == status:
                return body
            await asyncio.sleep(0.05)
