"""Helpers of the BOS integration tests: a migrated database, the in-process app, Kafka I/O."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.event_enums import BOS_DEAD_LETTERED_EVENTS, ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events.batch_coordination import (
    BatchEssaysReady,
    BatchReadinessTimeout,
    FailedFile,
    ReadyEssay,
)
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka.testing import committed_offset, embedded_broker_options
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.batch_orchestrator_service.app import create_app
from services.batch_orchestrator_service.config import BOSSettings

API_KEY = "bos-integration-test-key"
BOS_TOPICS = [topic_name(event) for event in BOS_DEAD_LETTERED_EVENTS]
AUTH = internal_auth_headers("api_gateway_service", API_KEY)
BOS_DIR = SERVICES_ROOT / "batch_orchestrator_service"


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the BOS migrations applied; its URL."""
    url = await infra.create_database(f"bos_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "BOS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("batch_orchestrator_service", BOS_DIR, env)
    return url


def app_settings(infra: InfraUrls, database_url: str, **overrides: Any) -> BOSSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "internal_api_key": SecretStr(API_KEY),
        "consumer_group_id": f"bos-it-{uuid.uuid4().hex[:12]}",
        "log_format": "json",
        "db_pool_size": 2,
    }
    values.update(overrides)
    return BOSSettings(**values)


@asynccontextmanager
async def running_app(settings: BOSSettings) -> AsyncIterator[QuartClient]:
    """The BOS app with its relay and consumer running; yields its test client. Its consumer
    group starts at the current end of the topics (see `skip_to_end`)."""
    await skip_to_end(settings.kafka_bootstrap_servers, settings.consumer_group_id, BOS_TOPICS)
    app = create_app(
        settings,
        consumer_options=embedded_broker_options(max_attempts=2),
        metrics_registry=CollectorRegistry(),
    )
    async with app.test_app() as test_app:
        yield test_app.test_client()


async def skip_to_end(bootstrap: str, group_id: str, topics: Sequence[str]) -> None:
    """Commit the current end of `topics` for a new group, so it sees only newer messages
    (earlier tests on the shared broker left requests for batches this database lacks)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or set()
        ]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit(dict(ends))
    finally:
        await consumer.stop()


def registration(user_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "expected_essay_count": 3,
        "course_code": "SV2",
        "class_designation": "9B",
        "essay_instructions": "Beskriv din sommar.",
        "user_id": user_id,
    }
    body.update(overrides)
    return body


def ready_essay(essay_id: str) -> ReadyEssay:
    return ReadyEssay(
        essay_id=essay_id,
        file_upload_id=f"upload-{essay_id}",
        original_file_name=f"{essay_id}.docx",
        text_storage_id=f"text-{essay_id}",
        student_name="Ann Andersson",
        student_email="ann@example.com",
    )


def essays_ready(batch_id: str, essay_ids: list[str]) -> EventEnvelope[Any]:
    data = BatchEssaysReady(
        batch_id=batch_id,
        essays=[ready_essay(essay_id) for essay_id in essay_ids],
        failed_files=[
            FailedFile(
                file_upload_id="upload-bad",
                original_file_name="notes.exe",
                reason_code="unsupported_file_type",
            )
        ],
    )
    return build_envelope(
        ProcessingEvent.BATCH_ESSAYS_READY,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )


def readiness_timeout(batch_id: str, missing: list[str], ready_count: int) -> EventEnvelope[Any]:
    data = BatchReadinessTimeout(
        batch_id=batch_id, missing_essay_ids=missing, ready_essay_count=ready_count
    )
    return build_envelope(
        ProcessingEvent.BATCH_READINESS_TIMEOUT,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )


async def find_record(
    bootstrap: str,
    topic: str,
    match: Callable[[ConsumerRecord[bytes, bytes]], bool],
    *,
    timeout_s: float = 15.0,
) -> ConsumerRecord[bytes, bytes]:
    """The first record of `topic` (from the beginning, all partitions) that `match`es."""
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
                        if match(record):
                            return record
    finally:
        await consumer.stop()


def keyed(batch_id: str) -> Callable[[ConsumerRecord[bytes, bytes]], bool]:
    return lambda record: record.key == batch_id.encode()


def record_json(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    assert record.value is not None
    value: dict[str, Any] = json.loads(record.value)
    return value


async def wait_for_commit(
    bootstrap: str, group_id: str, topic: str, partition: int, past_offset: int
) -> None:
    """Wait until `group_id` committed beyond `past_offset` on the partition (all handled)."""
    async with asyncio.timeout(20):
        while True:
            committed = await committed_offset(bootstrap, group_id, topic, partition)
            if committed is not None and committed > past_offset:
                return
            await asyncio.sleep(0.1)


async def wait_for_status(
    client: QuartClient, batch_id: str, status: str, *, timeout_s: float = 20.0
) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            response = await client.get(f"/v1/batches/{batch_id}/status", headers=AUTH)
            body: dict[str, Any] = await response.get_json()
            if body.get("status") == status:
                return body
            await asyncio.sleep(0.05)


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(sa.text(sql), params)).scalar_one()


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)
