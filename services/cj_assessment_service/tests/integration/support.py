"""Helpers of the CJ integration tests: a migrated database, requests, Kafka watching and an
in-process worker."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from quart import Quart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope, parse_envelope
from common_core.events import CJEssayInput, ELSCJAssessmentRequestV1
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id
from common_core.status_enums import Language
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from services.cj_assessment_service.app import create_app
from services.cj_assessment_service.config import CJSettings
from services.cj_assessment_service.models_db import AssessedEssayRow, AssessmentRow
from services.cj_assessment_service.tests.support_texts import INSTRUCTIONS

SERVICE_DIR = Path(__file__).resolve().parents[2]
PROJECT_ROOT = SERVICE_DIR.parents[1]
E = ProcessingEvent
REQUEST_TOPIC = topic_name(E.ELS_CJ_ASSESSMENT_REQUESTED)
RESULTS = (E.CJ_ASSESSMENT_COMPLETED, E.CJ_ASSESSMENT_FAILED)


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the CJ schema; returns its URL."""
    url = await infra.create_database(f"cj_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "CJ_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("cj_assessment_service", SERVICE_DIR, env)
    return url


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def request(
    batch_id: str,
    storage_ids: Sequence[str],
    *,
    rates: Sequence[float | None] | None = None,
    pipeline_run_id: str = "run-1",
    event_id: uuid.UUID | None = None,
) -> EventEnvelope[Any]:
    """An ELSCJAssessmentRequestV1 for essays `essay-0`, `essay-1`, ... of `batch_id`."""
    rates = rates or [None] * len(storage_ids)
    data = ELSCJAssessmentRequestV1(
        batch_id=batch_id,
        pipeline_run_id=pipeline_run_id,
        language=Language.ENGLISH,
        essay_instructions=INSTRUCTIONS,
        essays=[
            CJEssayInput(essay_id=f"essay-{i}", text_storage_id=sid, spelling_error_rate=rate)
            for i, (sid, rate) in enumerate(zip(storage_ids, rates, strict=True))
        ],
    )
    default_id = deterministic_event_id(
        E.ELS_CJ_ASSESSMENT_REQUESTED, batch_id=batch_id, pipeline_run_id=pipeline_run_id
    )
    return build_envelope(
        E.ELS_CJ_ASSESSMENT_REQUESTED,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
        event_id=event_id or default_id,
    )


async def publish(bootstrap: str, envelopes: Sequence[EventEnvelope[Any]]) -> None:
    async with KafkaBus(bootstrap, client_id="cj-tests", enable_idempotence=False) as bus:
        for envelope in envelopes:
            await bus.publish(envelope, key=envelope.data.batch_id)


async def skip_to_end(bootstrap: str, group_id: str, topic: str = REQUEST_TOPIC) -> None:
    """Commit the end of `topic` for `group_id`, so a new worker of that group handles only
    what is published from now on (not every earlier test's requests)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        await consumer.commit({tp: await consumer.position(tp) for tp in partitions})
    finally:
        await consumer.stop()


def worker_settings(
    database_url: str, infra: InfraUrls, content_url: str, api_key: str, **overrides: Any
) -> CJSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "consumer_group_id": f"cj-it-{uuid.uuid4().hex[:10]}",
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "content_url": content_url,
        "internal_api_key": api_key,
        "log_level": "WARNING",
        "db_pool_size": 5,
    }
    values.update(overrides)
    return CJSettings(**values)


@asynccontextmanager
async def running_worker(settings: CJSettings) -> AsyncIterator[Quart]:
    """The worker app with its consumer and outbox relay running in this event loop."""
    await skip_to_end(settings.kafka_bootstrap_servers, settings.consumer_group_id)
    app = create_app(settings, metrics_registry=CollectorRegistry())
    async with app.test_app():
        yield app


class ResultWatcher:
    """Reads the CJ result topics from their current end (enter it before publishing)."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap
        self._consumer: AIOKafkaConsumer | None = None
        self.seen: list[tuple[str | None, EventEnvelope[Any]]] = []

    async def __aenter__(self) -> ResultWatcher:
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
        await consumer.start()
        partitions = [
            TopicPartition(topic_name(event), p)
            for event in RESULTS
            for p in consumer.partitions_for_topic(topic_name(event)) or set()
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

    def of(self, batch_id: str) -> list[EventEnvelope[Any]]:
        return [envelope for key, envelope in self.seen if key == batch_id]

    async def first(self, batch_id: str, *, timeout_s: float = 60.0) -> EventEnvelope[Any]:
        await self.wait_for(lambda: bool(self.of(batch_id)), timeout_s=timeout_s)
        return self.of(batch_id)[0]

    async def wait_for(self, check: Callable[[], bool], *, timeout_s: float = 60.0) -> None:
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
                self.seen.append((key, parse_envelope(tp.topic, record.value or b"")))


async def assessment_of(
    sessions: async_sessionmaker[AsyncSession], batch_id: str
) -> AssessmentRow | None:
    async with sessions() as session:
        statement = sa.select(AssessmentRow).where(AssessmentRow.batch_id == batch_id)
        return (await session.scalars(statement)).one_or_none()


async def stored_ranks(
    sessions: async_sessionmaker[AsyncSession], assessment_id: int
) -> dict[str, int | None]:
    async with sessions() as session:
        rows = await session.scalars(
            sa.select(AssessedEssayRow).where(AssessedEssayRow.assessment_id == assessment_id)
        )
        return {row.essay_id: row.rank for row in rows}
