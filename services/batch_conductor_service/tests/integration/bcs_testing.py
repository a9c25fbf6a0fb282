"""Helpers of the BCS integration tests: database, in-process app, events, Kafka and HTTP I/O."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events.base import EssayTextRef, EventData
from common_core.events.cj_assessment import CJAssessmentFailedV1
from common_core.events.envelope import EventEnvelope
from common_core.events.pipeline import BatchPipelineCompletedV1, ELSBatchPhaseOutcomeV1
from common_core.events.spellcheck import SpellcheckResultDataV1
from common_core.status_enums import Language, OutcomeStatus, PhaseName, PipelineExecutionStatus
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.kafka.testing import embedded_broker_options
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.batch_conductor_service.app import create_app
from services.batch_conductor_service.config import BCSSettings

API_KEY = "bcs-integration-test-key"
AUTH = internal_auth_headers("batch_orchestrator_service", API_KEY)
BCS_DIR = SERVICES_ROOT / "batch_conductor_service"
DEFINE = "/internal/v1/pipelines/define"
DONE = PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
PARTIAL = PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the BCS migrations applied; its URL."""
    url = await infra.create_database(f"bcs_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "BCS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("batch_conductor_service", BCS_DIR, env)
    return url


def app_settings(infra: InfraUrls, database_url: str, **overrides: Any) -> BCSSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": infra.redis_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "internal_api_key": SecretStr(API_KEY),
        "consumer_group_id": f"bcs-it-{uuid.uuid4().hex[:12]}",
        "log_format": "json",
        "db_pool_size": 5,
    }
    values.update(overrides)
    return BCSSettings(**values)


@asynccontextmanager
async def running_app(
    settings: BCSSettings, registry: CollectorRegistry | None = None
) -> AsyncIterator[QuartClient]:
    """The BCS app with its consumer running; yields its test client."""
    app = create_app(
        settings,
        consumer_options=embedded_broker_options(max_attempts=2),
        metrics_registry=registry or CollectorRegistry(),
    )
    async with app.test_app() as test_app:
        yield test_app.test_client()


def _envelope(event: ProcessingEvent, data: EventData, source: str) -> EventEnvelope[Any]:
    return build_envelope(event, data, source_service=source, correlation_id=uuid.uuid4())


def phase_outcome(
    batch_id: str,
    processed: list[str],
    failed: list[str] | None = None,
    *,
    status: PipelineExecutionStatus = DONE,
    phase: PhaseName = PhaseName.SPELLCHECK,
    run_id: str = "run-1",
) -> EventEnvelope[Any]:
    data = ELSBatchPhaseOutcomeV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        phase_name=phase,
        phase_status=status,
        processed_essays=[EssayTextRef(essay_id=e, text_storage_id=f"t-{e}") for e in processed],
        failed_essay_ids=failed or [],
    )
    return _envelope(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME, data, "essay_lifecycle_service")


def spellcheck_result(batch_id: str, essay_id: str, *, run_id: str = "run-1") -> EventEnvelope[Any]:
    data = SpellcheckResultDataV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        essay_id=essay_id,
        status=OutcomeStatus.SUCCESS,
        corrected_text_storage_id=f"corrected-{essay_id}",
        language=Language.ENGLISH,
    )
    return _envelope(ProcessingEvent.SPELLCHECK_RESULT, data, "spellchecker_service")


def pipeline_completed(
    batch_id: str, successful: int, *, run_id: str = "run-1"
) -> EventEnvelope[Any]:
    data = BatchPipelineCompletedV1(
        batch_id=batch_id,
        pipeline_run_id=run_id,
        final_status=DONE,
        successful_essay_count=successful,
        failed_essay_count=0,
    )
    return _envelope(ProcessingEvent.BATCH_PIPELINE_COMPLETED, data, "batch_orchestrator_service")


def cj_failed(batch_id: str, *, run_id: str = "run-1") -> EventEnvelope[Any]:
    data = CJAssessmentFailedV1(
        batch_id=batch_id, pipeline_run_id=run_id, reason="too_few_essays", message="Need two."
    )
    return _envelope(ProcessingEvent.CJ_ASSESSMENT_FAILED, data, "cj_assessment_service")


async def publish(bootstrap: str, *envelopes: EventEnvelope[Any]) -> None:
    """Publish on the envelopes' real topics, keyed by batch id, in order."""
    async with KafkaBus(bootstrap, client_id="bcs-it", enable_idempotence=False) as bus:
        for envelope in envelopes:
            await bus.publish(envelope, key=envelope.data.batch_id)


async def define(
    client: QuartClient, batch_id: str, pipeline: str, *, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    body = {"batch_id": batch_id, "requested_pipeline": pipeline, "correlation_id": "corr-it"}
    response = await client.post(DEFINE, json=body, headers=AUTH if headers is None else headers)
    payload: dict[str, Any] = await response.get_json()
    return response.status_code, payload


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(sa.text(sql), params)).scalar()


async def wait_for(probe: Callable[[], Any], expected: Any, *, timeout_s: float = 30.0) -> None:
    """Poll the async `probe` until it returns `expected`."""
    last: Any = None
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                last = await probe()
                if last == expected:
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"expected {expected!r}, last saw {last!r}") from None


async def wait_for_version(engine: AsyncEngine, batch_id: str, version: int) -> None:
    """Wait until the projection of `batch_id` has applied `version` events."""

    async def current() -> Any:
        sql = "SELECT version FROM batch_projections WHERE batch_id = :b"
        return await scalar(engine, sql, b=batch_id)

    await wait_for(current, version)


async def find_record(
    bootstrap: str,
    topic: str,
    match: Callable[[ConsumerRecord[bytes, bytes]], bool],
    *,
    timeout_s: float = 20.0,
) -> dict[str, Any]:
    """The JSON value of the first record of `topic` (all partitions) that `match`es."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        async with asyncio.timeout(timeout_s):
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                for records in batch.values():
                    for record in records:
                        if match(record) and record.value is not None:
                            value: dict[str, Any] = json.loads(record.value)
                            return value
    finally:
        await consumer.stop()


def keyed(batch_id: str) -> Callable[[ConsumerRecord[bytes, bytes]], bool]:
    return lambda record: record.key == batch_id.encode()
