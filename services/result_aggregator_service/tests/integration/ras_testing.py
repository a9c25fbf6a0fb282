"""Helpers of the RAS integration tests: a migrated database, the in-process app, Kafka and
Redis I/O, waiting for the view."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient
from redis.asyncio.client import PubSub

from common_core.events.envelope import EventEnvelope
from common_core.notifications import UserNotification, parse_notification
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.kafka.testing import committed_offset, embedded_broker_options
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.processes import free_port
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.result_aggregator_service.app import create_app
from services.result_aggregator_service.config import RASSettings
from services.result_aggregator_service.kafka_consumer import RAS_TOPICS

API_KEY = "ras-integration-test-key"
AUTH = internal_auth_headers("api_gateway_service", API_KEY)
RAS_DIR = SERVICES_ROOT / "result_aggregator_service"


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the RAS migrations applied; its URL."""
    url = await infra.create_database(f"ras_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "RAS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("result_aggregator_service", RAS_DIR, env)
    return url


def app_settings(infra: InfraUrls, database_url: str, **overrides: Any) -> RASSettings:
    """Settings of an in-process RAS; BOS and Content default to a port nobody listens on."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": infra.redis_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 250,
        "internal_api_key": SecretStr(API_KEY),
        "consumer_group_id": f"ras-it-{uuid.uuid4().hex[:12]}",
        "cache_key_prefix": f"ras-it:{uuid.uuid4().hex[:8]}",
        "bos_url": nowhere,
        "content_url": nowhere,
        "bos_query_timeout_seconds": 1.0,
        "log_format": "json",
        "db_pool_size": 2,
    }
    values.update(overrides)
    return RASSettings(**values)


@asynccontextmanager
async def running_app(settings: RASSettings) -> AsyncIterator[QuartClient]:
    """The RAS app with its consumer running; its group starts at the current end of the
    topics (earlier tests on the shared broker left events of batches unknown here)."""
    await skip_to_end(settings.kafka_bootstrap_servers, settings.consumer_group_id, RAS_TOPICS)
    app = create_app(
        settings,
        consumer_options=embedded_broker_options(max_attempts=2),
        metrics_registry=CollectorRegistry(),
    )
    async with app.test_app() as test_app:
        yield test_app.test_client()


async def skip_to_end(bootstrap: str, group_id: str, topics: Sequence[str]) -> None:
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


@dataclass(frozen=True)
class InOrderPublisher:
    """Publishes each envelope once the RAS consumer group has handled the previous one, as
    events of one batch naturally are spaced: the topics are consumed independently, so events
    sent in one burst may be handled (and notify) in any order."""

    bus: KafkaBus
    bootstrap: str
    group_id: str

    async def publish(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        for envelope in envelopes:
            sent = await self.bus.publish(envelope, key=str(envelope.data.batch_id))
            await self.handled(sent.topic, sent.partition, sent.offset)

    async def handled(self, topic: str, partition: int, offset: int) -> None:
        """Wait until the group committed past `offset` (the record was handled)."""
        async with asyncio.timeout(30):
            while True:
                committed = await committed_offset(self.bootstrap, self.group_id, topic, partition)
                if committed is not None and committed > offset:
                    return
                await asyncio.sleep(0.05)


async def get_json(
    client: QuartClient, path: str, *, auth: dict[str, str] = AUTH
) -> tuple[int, Any]:
    response = await client.get(path, headers=auth)
    return response.status_code, json.loads(await response.get_data(as_text=True))


async def wait_for_status(
    client: QuartClient,
    batch_id: str,
    *,
    seq: int,
    timeout_s: float = 30.0,
    auth: dict[str, str] = AUTH,
) -> dict[str, Any]:
    """The batch's status document once its notification counter reached `seq`."""
    async with asyncio.timeout(timeout_s):
        while True:
            path = f"/internal/v1/batches/{batch_id}/status"
            code, body = await get_json(client, path, auth=auth)
            if code == 200 and body["seq"] >= seq:
                return dict(body)
            await asyncio.sleep(0.05)


async def receive(pubsub: PubSub, count: int, *, timeout_s: float = 30.0) -> list[UserNotification]:
    """The next `count` notifications of a subscription."""
    received: list[UserNotification] = []
    async with asyncio.timeout(timeout_s):
        while len(received) < count:
            message = await pubsub.get_message(timeout=1.0)
            if message is not None and message["type"] == "message":
                received.append(parse_notification(message["data"]))
    return received


async def nothing_more(pubsub: PubSub, *, wait_s: float = 1.0) -> list[Any]:
    """Messages arriving within `wait_s` (expected: none)."""
    extra: list[Any] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        message = await pubsub.get_message(timeout=0.2)
        if message is not None:
            extra.append(message)
    return extra
