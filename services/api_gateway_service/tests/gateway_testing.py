"""Shared helpers of the gateway's tests: settings, tokens, the app in-process (httpx over
ASGI, or uvicorn on a free port for WebSockets), a stub RAS, and Kafka lookups."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from aiohttp import web
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from scripts.launcher.infra import InfraUrls
from services.api_gateway_service.config import GatewaySettings
from services.api_gateway_service.domain.tokens import mint_token
from services.api_gateway_service.main import create_app, uvicorn_config

JWT_SECRET = "gateway-tests-secret-0123456789abcdef"
INTERNAL_KEY = "gateway-tests-internal-key"
GATEWAY_ID = "api_gateway_service"


def token_for(user_id: str, **kwargs: Any) -> str:
    return mint_token(user_id, key=kwargs.pop("key", JWT_SECRET), **kwargs)


def auth(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user_id)}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gateway_settings(infra: InfraUrls, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "redis_url": infra.redis_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "jwt_secret": JWT_SECRET,
        "internal_api_key": INTERNAL_KEY,
        "bos_url": f"http://127.0.0.1:{free_port()}",
        "file_url": f"http://127.0.0.1:{free_port()}",
        "ras_url": f"http://127.0.0.1:{free_port()}",
        "environment": "test",
        "log_format": "json",
    }
    values.update(overrides)
    return GatewaySettings(**values)


def new_app(settings: GatewaySettings) -> FastAPI:
    return create_app(settings, metrics_registry=CollectorRegistry(), configure_logs=False)


@contextlib.asynccontextmanager
async def gateway_client(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process (lifespan included) behind an httpx client."""
    app = new_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", timeout=30
        ) as client:
            yield client


@contextlib.asynccontextmanager
async def gateway_server(settings: GatewaySettings) -> AsyncIterator[str]:
    """The app served by uvicorn on a free port in this process; yields its base URL."""
    port = free_port()
    settings = settings.model_copy(update={"http_port": port})
    server = uvicorn.Server(uvicorn_config(new_app(settings), settings))
    server.config.install_signal_handlers = False  # type: ignore[attr-defined]
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        await wait_ready(f"http://127.0.0.1:{port}")
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


async def wait_ready(base_url: str, timeout_s: float = 30.0) -> None:
    """Poll `/readyz` until the gateway (its notification subscription included) is ready."""
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as http:
        async with asyncio.timeout(timeout_s):
            while True:
                if (await http.get("/readyz")).status_code == 200:
                    return
                await asyncio.sleep(0.05)


@dataclass
class StubRas:
    """A minimal HTTP server answering RAS's internal API shapes (RAS is built in parallel)."""

    api_key: str
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    essays: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    list_queries: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    def _authorised(self, request: web.Request) -> bool:
        return (
            request.headers.get("X-Service-ID") == GATEWAY_ID
            and request.headers.get("X-Internal-API-Key") == self.api_key
        )

    async def _status(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        view = self.batches.get(request.match_info["batch_id"])
        if view is None:
            return _not_found()
        return web.json_response(view)

    async def _user_batches(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        self.list_queries.append(dict(request.query))
        user_id = request.match_info["user_id"]
        mine = [view for view in self.batches.values() if view["user_id"] == user_id]
        limit, offset = int(request.query["limit"]), int(request.query["offset"])
        body = {"batches": mine[offset : offset + limit], "total": len(mine)}
        return web.json_response({**body, "limit": limit, "offset": offset})

    async def _essay(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        key = (request.match_info["batch_id"], request.match_info["essay_id"])
        essay = self.essays.get(key)
        return web.json_response(essay) if essay else _not_found()

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/internal/v1/batches/{batch_id}/status", self._status)
        app.router.add_get("/internal/v1/users/{user_id}/batches", self._user_batches)
        app.router.add_get("/internal/v1/batches/{batch_id}/essays/{essay_id}", self._essay)
        app.router.add_get("/healthz", _ok)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def _ok(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _not_found() -> web.Response:
    body = {"error": {"code": "not_found", "message": "batch not found", "details": {}}}
    return web.json_response(body, status=404)


def ras_view(batch_id: str, user_id: str, status: str = "processing") -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "user_id": user_id,
        "status": status,
        "requested_pipeline": "spellcheck",
        "phases": {
            "spellcheck": {"status": "in_progress", "total": 2, "successful": 1, "failed": 0}
        },
        "essays": [{"essay_id": "essay-1", "correction_count": 2}],
    }


async def find_record(
    bootstrap: str,
    topic: str,
    match: Callable[[ConsumerRecord[bytes, bytes]], bool],
    *,
    timeout_s: float = 30.0,
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


def record_json(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    assert record.value is not None
    value: dict[str, Any] = json.loads(record.value)
    return value
