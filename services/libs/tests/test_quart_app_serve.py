"""serve_app: a real hypercorn server, called with InternalServiceClient, stopped gracefully."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart import Blueprint

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.errors import HttpStatusError
from huleedu_service_libs.http_client import InternalServiceClient
from huleedu_service_libs.quart_app import (
    BackgroundTask,
    BackgroundTaskFailed,
    create_service_app,
    create_worker_app,
    serve_app,
    service_runtime,
)

API_KEY = "serve-test-key"
REPO_ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings(**overrides: object) -> ServiceSettingsBase:
    values: dict[str, object] = {
        "service_name": "serve_test_service",
        "internal_api_key": SecretStr(API_KEY),
        "log_format": "json",
        "shutdown_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return ServiceSettingsBase.model_validate(values)


async def wait_until_serving(client: InternalServiceClient) -> None:
    deadline = time.monotonic() + 5
    while True:
        try:
            await client.get_json("/healthz")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def test_internal_client_calls_a_served_app_then_it_shuts_down() -> None:
    bp = Blueprint("define", __name__)

    @bp.post("/internal/v1/pipelines/define")
    async def define() -> dict[str, list[str]]:
        return {"phases": ["spellcheck"]}

    app = create_service_app(settings(), blueprints=[bp], metrics_registry=CollectorRegistry())
    port = free_port()
    server = asyncio.create_task(serve_app(app, "127.0.0.1", port, handle_signals=False))
    base_url = f"http://127.0.0.1:{port}"
    client = InternalServiceClient(
        base_url, service_id="batch_orchestrator_service", api_key=API_KEY, retries=0
    )
    intruder = InternalServiceClient(base_url, service_id="file_service", api_key="nope")
    try:
        await wait_until_serving(client)
        assert await client.post_json("/internal/v1/pipelines/define", {}) == {
            "phases": ["spellcheck"]
        }
        with pytest.raises(HttpStatusError) as refused:
            await intruder.post_json("/internal/v1/pipelines/define", {})
        assert refused.value.status == 401
    finally:
        await client.close()
        await intruder.close()
        service_runtime(app).request_shutdown()
        await asyncio.wait_for(server, timeout=10)


async def test_worker_app_stops_serving_when_its_worker_fails() -> None:
    worker_may_fail = asyncio.Event()

    async def worker() -> None:
        await worker_may_fail.wait()
        raise RuntimeError("lost the broker")

    app = create_worker_app(
        settings(),
        worker=BackgroundTask("consumer", worker),
        metrics_registry=CollectorRegistry(),
    )
    port = free_port()
    server = asyncio.create_task(serve_app(app, "127.0.0.1", port, handle_signals=False))
    client = InternalServiceClient(
        f"http://127.0.0.1:{port}", service_id="file_service", api_key=API_KEY, retries=0
    )
    try:
        await wait_until_serving(client)
        assert (await client.request("GET", "/metrics")).status == 200
        worker_may_fail.set()
        with pytest.raises(BackgroundTaskFailed, match="consumer"):
            await asyncio.wait_for(server, timeout=10)
    finally:
        await client.close()


SIGTERM_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pydantic import SecretStr
    from huleedu_service_libs.config import ServiceSettingsBase
    from huleedu_service_libs.quart_app import BackgroundTask, create_worker_app, serve_app

    class Runner:
        def __init__(self):
            self.stopping = asyncio.Event()
        async def run(self):
            print("running", flush=True)
            await self.stopping.wait()
            await asyncio.sleep(0.2)  # the message in flight
            print("committed in-flight message", flush=True)
        async def stop(self):
            self.stopping.set()

    async def closing_hook():
        print("producer closed", flush=True)

    settings = ServiceSettingsBase(service_name="sigterm_worker", log_level="WARNING",
                                   internal_api_key=SecretStr("k"))
    app = create_worker_app(settings, worker=BackgroundTask.for_runner("consumer", Runner()),
                            on_shutdown=[closing_hook])
    asyncio.run(serve_app(app, "127.0.0.1", int(sys.argv[1])))
    print("exited cleanly", flush=True)
    """
)


def test_sigterm_stops_the_worker_gracefully() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(free_port())],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "running"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0, stderr
    assert stdout.splitlines() == [
        "committed in-flight message",
        "producer closed",
        "exited cleanly",
    ]


UVLOOP_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    import uvloop
    from pydantic import SecretStr
    from huleedu_service_libs.config import ServiceSettingsBase
    from huleedu_service_libs.quart_app import create_service_app, run_app

    async def report_loop():
        print(type(asyncio.get_running_loop()).__module__, flush=True)

    settings = ServiceSettingsBase(service_name="uvloop_service", log_level="WARNING",
                                   internal_api_key=SecretStr("k"))
    app = create_service_app(settings, on_startup=[report_loop])
    run_app(app, "127.0.0.1", int(sys.argv[1]), loop_factory=uvloop.new_event_loop)
    print("exited cleanly", flush=True)
    """
)


def test_run_app_serves_on_the_given_event_loop_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", UVLOOP_SCRIPT, str(free_port())],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        loop_module = process.stdout.readline().strip()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert loop_module == "uvloop", stderr
    assert process.returncode == 0, stderr
    assert stdout.splitlines() == ["exited cleanly"]
