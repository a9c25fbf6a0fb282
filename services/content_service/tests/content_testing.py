"""Helpers of the Content Service integration tests: a migrated database and the app."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart import Quart
from quart.typing import TestClientProtocol as QuartClient

from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.quart_app import serve_app, service_runtime
from scripts.launcher.infra import InfraUrls
from scripts.launcher.migrations import run_migrations
from scripts.launcher.service_registry import SERVICES_ROOT
from scripts.launcher.state import PROJECT_ROOT
from services.content_service.app import create_app
from services.content_service.config import ContentSettings

API_KEY = "content-integration-test-key"
AUTH = internal_auth_headers("file_service", API_KEY)


async def migrated_database(infra: InfraUrls) -> str:
    """A fresh database with the Content Service migrations applied; its URL."""
    url = await infra.create_database(f"content_it_{uuid.uuid4().hex[:12]}")
    env = {**os.environ, "CONTENT_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    await run_migrations("content_service", SERVICES_ROOT / "content_service", env)
    return url


def content_settings(database_url: str, **overrides: Any) -> ContentSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "internal_api_key": SecretStr(API_KEY),
        "log_format": "json",
        "db_pool_size": 4,
    }
    values.update(overrides)
    return ContentSettings(**values)


def _app(settings: ContentSettings) -> Quart:
    return create_app(settings, metrics_registry=CollectorRegistry())


@asynccontextmanager
async def running_app(settings: ContentSettings) -> AsyncIterator[QuartClient]:
    """The app started in-process; yields its test client."""
    async with _app(settings).test_app() as test_app:
        yield test_app.test_client()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def served_app(settings: ContentSettings) -> AsyncIterator[str]:
    """The app served over real HTTP by hypercorn in this process; yields its base URL."""
    app = _app(settings)
    port = _free_port()
    task = asyncio.create_task(serve_app(app, "127.0.0.1", port, handle_signals=False))
    try:
        await _wait_for_port(port, task)
        yield f"http://127.0.0.1:{port}"
    finally:
        service_runtime(app).request_shutdown()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def _wait_for_port(port: int, task: asyncio.Task[None]) -> None:
    for _ in range(200):
        if task.done():
            task.result()  # raises why the server could not start
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"the app did not listen on port {port}")
