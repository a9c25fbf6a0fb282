"""Helpers of the ELS integration tests: envelopes, a migrated database, Kafka watching."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope, parse_envelope
from common_core.events import BatchEssaysRegistered, EssayContentReady, EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from common_core.field_types import utc_now
from huleedu_service_libs.db.tables import OUTBOX_CLAUSE
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from services.essay_lifecycle_service.config import ElsWorkerSettings
from services.essay_lifecycle_service.models_db import BatchTracker, Essay
from services.essay_lifecycle_service.worker_main import create_worker_app

SERVICE_DIR = Path(__file__).resolve().parents[2]
PROJECT_ROOT = SERVICE_DIR.parents[1]
E = ProcessingEvent


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the ELS schema; returns its URL."""
    url = await infra.create_database(f"els_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "ELS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("essay_lifecycle_service", SERVICE_DIR, env)
    return url


def new_ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{uuid.uuid4().hex[:10]}" for _ in range(count)]


def registered(
    batch_id: str, essay_ids: Sequence[str], *, deadline: datetime | None = None
) -> EventEnvelope[Any]:
    data = BatchEssaysRegistered(
        batch_id=batch_id,
        user_id="user-els-tests",
        expected_essay_count=len(essay_ids),
        essay_ids=list(essay_ids),
        readiness_deadline=deadline or utc_now() + timedelta(hours=24),
    )
    return make_envelope(E.BATCH_ESSAYS_REGISTERED, data, "batch_orchestrator_service")


def content(batch_id: str, file_upload_id: str | None = None) -> EventEnvelope[Any]:
    upload = file_upload_id or f"upload-{uuid.uuid4().hex[:10]}"
    data = EssayContentReady(
        batch_id=batch_id,
        file_upload_id=upload,
        original_file_name=f"{upload}.txt",
        text_storage_id=f"txt-{upload}",
        student_name="Anna Svensson",
        student_email="anna@example.org",
        name_confidence=0.9,
    )
    return make_envelope(E.ESSAY_CONTENT_READY, data, "file_service")


def failure(batch_id: str, file_upload_id: str | None = None) -> EventEnvelope[Any]:
    upload = file_upload_id or f"upload-{uuid.uuid4().hex[:10]}"
    data = EssayValidationFailed(
        batch_id=batch_id,
        file_upload_id=upload,
        original_file_name=f"{upload}.png",
        reason_code="unsupported_file_type",
        message="Only .txt, .docx and .pdf files can be read.",
    )
    return make_envelope(E.ESSAY_VALIDATION_FAILED, data, "file_service")


def make_envelope(
    event: ProcessingEvent, data: Any, source: str, event_id: uuid.UUID | None = None
) -> EventEnvelope[Any]:
    return build_envelope(
        event, data, source_service=source, correlation_id=uuid.uuid4(), event_id=event_id
    )


async def outbox_envelopes(
    sessions: async_sessionmaker[AsyncSession], batch_id: str, event: ProcessingEvent
) -> list[EventEnvelope[Any]]:
    """The envelopes of `event` the service wrote to its outbox for `batch_id`."""
    topic = topic_name(event)
    statement = (
        sa.select(OUTBOX_CLAUSE.c.payload)
        .where(OUTBOX_CLAUSE.c.key == batch_id, OUTBOX_CLAUSE.c.topic == topic)
        .order_by(OUTBOX_CLAUSE.c.id)
    )
    async with sessions() as session:
        rows = (await session.execute(statement)).scalars().all()
    return [parse_envelope(topic, payload) for payload in rows]


async def essays_of(sessions: async_sessionmaker[AsyncSession], batch_id: str) -> list[Essay]:
    async with sessions() as session:
        statement = sa.select(Essay).where(Essay.batch_id == batch_id).order_by(Essay.position)
        return list((await session.scalars(statement)).all())


async def tracker_of(
    sessions: async_sessionmaker[AsyncSession], batch_id: str
) -> BatchTracker | None:
    async with sessions() as session:
        return await session.get(BatchTracker, batch_id)


def worker_settings(database_url: str, infra: InfraUrls, **overrides: Any) -> ElsWorkerSettings:
    """Settings of an in-process worker with its own consumer group (it reads the shared
    topics from the beginning; other tests' batches only add unrelated rows)."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "consumer_group_id": f"els-it-{uuid.uuid4().hex[:10]}",
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "readiness_sweep_interval_seconds": 0.2,
        "internal_api_key": "els-test-key",
        "log_level": "WARNING",
        "db_pool_size": 5,
    }
    values.update(overrides)
    return ElsWorkerSettings(**values)


@asynccontextmanager
async def running_worker(settings: ElsWorkerSettings) -> AsyncIterator[None]:
    """The worker app with its consumer and sweeper running in this event loop."""
    app = create_worker_app(settings, metrics_registry=CollectorRegistry())
    async with app.test_app():
        yield


class TopicWatcher:
    """Reads the given topics from their current end and keeps the envelopes keyed by a batch
    (start it before producing what you want to see)."""

    def __init__(self, bootstrap: str, events: Sequence[ProcessingEvent]) -> None:
        self._bootstrap = bootstrap
        self._topics = [topic_name(event) for event in events]
        self._consumer: AIOKafkaConsumer | None = None
        self.seen: list[tuple[str, str | None, EventEnvelope[Any]]] = []

    async def __aenter__(self) -> TopicWatcher:
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
        await consumer.start()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._topics
            for p in consumer.partitions_for_topic(topic) or set()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)  # fix the start now, before anything is produced
        self._consumer = consumer
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    def of(self, event: ProcessingEvent, batch_id: str) -> list[EventEnvelope[Any]]:
        topic = topic_name(event)
        return [env for t, key, env in self.seen if t == topic and key == batch_id]

    async def wait_for(self, check: Callable[[], bool], *, timeout_s: float = 20.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not check():
                await self._poll()

    async def keep_reading(self, seconds: float) -> None:
        """Read for `seconds` more (to see a duplicate that would arrive late)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            await self._poll()

    async def _poll(self) -> None:
        assert self._consumer is not None
        batch = await self._consumer.getmany(timeout_ms=100)
        for tp, records in batch.items():
            for record in records:
                key = record.key.decode() if record.key is not None else None
                self.seen.append((tp.topic, key, parse_envelope(tp.topic, record.value or b"")))


async def publish(bootstrap: str, envelopes: Sequence[EventEnvelope[Any]]) -> None:
    async with KafkaBus(bootstrap, client_id="els-tests", enable_idempotence=False) as bus:
        for envelope in envelopes:
            await bus.publish(envelope, key=envelope.data.batch_id)


async def wait_until_async(
    check: Callable[[], Any], *, timeout_s: float = 20.0, interval_s: float = 0.05
) -> None:
    """Await `check()` until it returns something truthy; AssertionError after `timeout_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(interval_s)
