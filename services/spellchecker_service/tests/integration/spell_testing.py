"""Helpers of the spell checker integration tests: settings, the in-process worker, Kafka I/O."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import RecordMetadata, TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart import Quart

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events.envelope import EventEnvelope
from common_core.events.spellcheck import EssayLifecycleSpellcheckRequestV1
from common_core.status_enums import Language
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.kafka.testing import committed_offset, embedded_broker_options
from scripts.launcher.platform import Platform
from services.spellchecker_service.app import create_app
from services.spellchecker_service.config import SpellSettings

REQUEST_TOPIC = topic_name(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED)
RESULT_TOPIC = topic_name(ProcessingEvent.SPELLCHECK_RESULT)


def worker_settings(platform: Platform, **overrides: Any) -> SpellSettings:
    """Settings of an in-process worker with its own consumer group and claim namespace."""
    tag = uuid.uuid4().hex[:12]
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": platform.infra.kafka_bootstrap,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "redis_url": platform.infra.redis_url,
        "content_url": platform.service_url("content_service"),
        "internal_api_key": SecretStr(platform.secrets["internal_api_key"]),
        "consumer_group_id": f"spell-it-{tag}",
        "claim_key_prefix": f"spell-it:{tag}",
        "log_format": "json",
    }
    values.update(overrides)
    return SpellSettings(**values)


@asynccontextmanager
async def running_worker(settings: SpellSettings) -> AsyncIterator[tuple[Quart, CollectorRegistry]]:
    """The worker app started in-process (dictionaries loading, then consuming)."""
    registry = CollectorRegistry()
    app = create_app(
        settings,
        consumer_options=embedded_broker_options(max_attempts=2),
        metrics_registry=registry,
    )
    async with app.test_app():
        yield app, registry


def spellcheck_request(
    batch_id: str, storage_id: str, language: Language = Language.ENGLISH
) -> EventEnvelope[Any]:
    data = EssayLifecycleSpellcheckRequestV1(
        batch_id=batch_id,
        pipeline_run_id=f"run-{batch_id}",
        essay_id=f"essay-{batch_id}",
        text_storage_id=storage_id,
        language=language,
    )
    return build_envelope(
        ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )


async def publish(bootstrap: str, *envelopes: EventEnvelope[Any]) -> list[RecordMetadata]:
    async with KafkaBus(bootstrap, client_id="spell-it", enable_idempotence=False) as bus:
        return [await bus.publish(envelope, key=envelope.data.batch_id) for envelope in envelopes]


async def result_records(
    bootstrap: str, batch_id: str, *, at_least: int = 1, timeout_s: float = 60.0
) -> list[dict[str, Any]]:
    """The result events of `batch_id` (read from the beginning), once `at_least` are there."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        partitions = consumer.partitions_for_topic(RESULT_TOPIC) or set()
        consumer.assign([TopicPartition(RESULT_TOPIC, p) for p in partitions])
        async with asyncio.timeout(timeout_s):
            while len(found) < at_least:
                batch = await consumer.getmany(timeout_ms=200)
                found.extend(_matching(batch, batch_id))
        return found
    finally:
        await consumer.stop()


def _matching(
    batch: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]], batch_id: str
) -> list[dict[str, Any]]:
    events = []
    for records in batch.values():
        for record in records:
            if record.key == batch_id.encode() and record.value is not None:
                events.append(json.loads(record.value))
    return events


async def wait_for_commit(
    bootstrap: str, group_id: str, sent: RecordMetadata, *, timeout_s: float = 60.0
) -> None:
    """Wait until `group_id` committed past the record `sent` (it is fully handled)."""
    async with asyncio.timeout(timeout_s):
        while True:
            committed = await committed_offset(bootstrap, group_id, REQUEST_TOPIC, sent.partition)
            if committed is not None and committed > sent.offset:
                return
            await asyncio.sleep(0.1)
