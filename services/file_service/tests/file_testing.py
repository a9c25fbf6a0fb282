"""Helpers of the File Service integration tests: database, app, multipart bodies, BOS, Kafka."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient
from werkzeug.datastructures import Headers
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartEncoder, Preamble

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import parse_envelope
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.auth import internal_auth_headers
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.file_service.app import create_app
from services.file_service.config import FileSettings

CONTENT_READY_TOPIC = topic_name(ProcessingEvent.ESSAY_CONTENT_READY)
VALIDATION_FAILED_TOPIC = topic_name(ProcessingEvent.ESSAY_VALIDATION_FAILED)
_BOUNDARY = "----HuleEduTestBoundary"


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the File Service migrations applied; its URL."""
    url = await infra.create_database(f"file_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "FILE_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("file_service", SERVICES_ROOT / "file_service", env)
    return url


def file_settings(
    infra: InfraUrls, database_url: str, *, api_key: str, **overrides: Any
) -> FileSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "internal_api_key": SecretStr(api_key),
        "log_format": "json",
        "db_pool_size": 4,
        "bos_retries": 1,
        "content_retries": 1,
    }
    values.update(overrides)
    return FileSettings(**values)


@asynccontextmanager
async def running_app(settings: FileSettings) -> AsyncIterator[QuartClient]:
    """The File Service app started in-process (relay running); yields its test client."""
    app = create_app(settings, metrics_registry=CollectorRegistry())
    async with app.test_app() as test_app:
        yield test_app.test_client()


def multipart_body(
    fields: Mapping[str, str], files: Sequence[tuple[str, bytes]]
) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body with ``fields`` and every file under the name ``files``."""
    encoder = MultipartEncoder(_BOUNDARY.encode())
    body = encoder.send_event(Preamble(data=b""))
    for name, value in fields.items():
        body += encoder.send_event(Field(name=name, headers=Headers()))
        body += encoder.send_event(Data(data=value.encode(), more_data=False))
    for file_name, data in files:
        headers = Headers({"Content-Type": "application/octet-stream"})
        body += encoder.send_event(File(name="files", filename=file_name, headers=headers))
        body += encoder.send_event(Data(data=data, more_data=False))
    body += encoder.send_event(Epilogue(data=b""))
    return body, {"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"}


def upload_headers(api_key: str, user_id: str | None) -> dict[str, str]:
    headers = internal_auth_headers("api_gateway_service", api_key)
    if user_id is not None:
        headers["X-User-ID"] = user_id
    return headers


async def register_batch(bos_url: str, api_key: str, user_id: str, essay_count: int) -> str:
    """Register a batch with the real BOS; its batch_id."""
    body = {
        "expected_essay_count": essay_count,
        "course_code": "ENG5",
        "essay_instructions": "Write about a book you love.",
        "user_id": user_id,
    }
    headers = internal_auth_headers("api_gateway_service", api_key)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{bos_url}/v1/batches/register", json=body, headers=headers) as response,
    ):
        assert response.status == 202, await response.text()
        answer = await response.json()
    return str(answer["batch_id"])


@dataclass
class StubBos:
    """A real HTTP server answering the pipeline-state route with ``answers[batch_id]``."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def pipeline_state(self, request: web.Request) -> web.Response:
        answer = self.answers.get(request.match_info["batch_id"])
        if answer is None:
            return web.json_response({"error": {"code": "not_found"}}, status=404)
        return web.json_response(answer)


@asynccontextmanager
async def stub_bos() -> AsyncIterator[tuple[StubBos, str]]:
    stub = StubBos()
    app = web.Application()
    app.router.add_get("/internal/v1/batches/{batch_id}/pipeline-state", stub.pipeline_state)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield stub, f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def batch_events(
    bootstrap: str,
    topic: str,
    batch_id: str,
    *,
    count: int,
    timeout_s: float = 15.0,
    settle_s: float = 0.0,
) -> list[EventEnvelope[Any]]:
    """The events of ``batch_id`` on ``topic`` (read from the start, without a group): wait
    for ``count`` of them, then keep reading ``settle_s`` more to catch any extra ones."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        await consumer.seek_to_beginning()
        found: list[EventEnvelope[Any]] = []
        async with asyncio.timeout(timeout_s):
            while len(found) < count:
                found += await _read_some(consumer, topic, batch_id)
        deadline = asyncio.get_running_loop().time() + settle_s
        while asyncio.get_running_loop().time() < deadline:
            found += await _read_some(consumer, topic, batch_id)
        return found
    finally:
        await consumer.stop()


async def _read_some(
    consumer: AIOKafkaConsumer, topic: str, batch_id: str
) -> list[EventEnvelope[Any]]:
    batch = await consumer.getmany(timeout_ms=100)
    records = [record for items in batch.values() for record in items]
    return [
        parse_envelope(topic, record.value)
        for record in records
        if record.key == batch_id.encode() and record.value is not None
    ]
