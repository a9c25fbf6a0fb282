"""InternalServiceClient against a real local HTTP server; CircuitBreaker state machine."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from uuid import uuid4

import aiohttp
import pytest
from aiohttp import web

from huleedu_service_libs.errors import CircuitOpenError, HttpStatusError
from huleedu_service_libs.http_client import CircuitBreaker, InternalServiceClient
from huleedu_service_libs.logging import bind_context

API_KEY = "client-test-key"


@dataclass
class FakeUpstream:
    """Answers each request with the next status of ``script`` (the last one repeats)."""

    script: list[int] = field(default_factory=lambda: [200])
    delay_s: float = 0.0
    hits: int = 0
    seen_headers: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        status = self.script[min(self.hits, len(self.script) - 1)]
        self.hits += 1
        self.seen_headers.append(dict(request.headers))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        payload = await request.json() if request.can_read_body else None
        return web.json_response({"status": status, "echo": payload}, status=status)


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[FakeUpstream, str]]:
    fake = FakeUpstream()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield fake, f"http://127.0.0.1:{port}"
    await runner.cleanup()


def make_client(base_url: str, **kwargs: object) -> InternalServiceClient:
    options: dict[str, object] = {"retries": 3, "backoff_initial_s": 0.01, "timeout_s": 2.0}
    options.update(kwargs)
    return InternalServiceClient(
        base_url,
        service_id="batch_orchestrator_service",
        api_key=API_KEY,
        **options,  # type: ignore[arg-type]
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_sends_auth_and_correlation_headers(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    correlation_id = str(uuid4())

    async with make_client(url) as client:
        with bind_context(correlation_id=correlation_id):
            body = await client.post_json("/internal/v1/pipelines/define", {"batch_id": "b1"})

    assert body == {"status": 200, "echo": {"batch_id": "b1"}}
    sent = fake.seen_headers[0]
    assert sent["X-Service-ID"] == "batch_orchestrator_service"
    assert sent["X-Internal-API-Key"] == API_KEY
    assert sent["X-Correlation-ID"] == correlation_id


async def test_retries_on_503_then_succeeds(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [503, 503, 200]

    async with make_client(url) as client:
        body = await client.get_json("/internal/v1/batches/b1/pipeline-state")

    assert body["status"] == 200
    assert fake.hits == 3


async def test_retries_on_429(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [429, 200]

    async with make_client(url) as client:
        response = await client.request("GET", "/x")

    assert response.status == 200
    assert fake.hits == 2


async def test_404_raises_without_retry(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [404]

    async with make_client(url) as client:
        with pytest.raises(HttpStatusError) as caught:
            await client.get_json("/internal/v1/batches/unknown/pipeline-state")

    assert caught.value.status == 404
    assert '"status": 404' in caught.value.body
    assert fake.hits == 1


async def test_gives_up_after_the_configured_retries(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [503]

    async with make_client(url, retries=2) as client:
        with pytest.raises(HttpStatusError) as caught:
            await client.get_json("/x")

    assert caught.value.status == 503
    assert fake.hits == 3


async def test_timeout_is_retried_then_raised(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.delay_s = 0.5

    async with make_client(url, retries=1, timeout_s=0.1) as client:
        with pytest.raises(TimeoutError):
            await client.get_json("/slow")

    assert fake.hits == 2


async def test_connection_refused_is_retried_then_raised() -> None:
    async with make_client(f"http://127.0.0.1:{closed_port()}", retries=1) as client:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.get_json("/x")


async def test_circuit_opens_after_n_failures(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [503]
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=60, name="bcs")

    async with make_client(url, retries=0, circuit_breaker=breaker) as client:
        for _ in range(2):
            with pytest.raises(HttpStatusError):
                await client.get_json("/x")
        with pytest.raises(CircuitOpenError):
            await client.get_json("/x")

    assert fake.hits == 2
    assert breaker.state == "open"


async def test_open_circuit_stops_retries_early(upstream: tuple[FakeUpstream, str]) -> None:
    fake, url = upstream
    fake.script = [503]
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=60)

    async with make_client(url, retries=5, circuit_breaker=breaker) as client:
        with pytest.raises(CircuitOpenError):
            await client.get_json("/x")

    assert fake.hits == 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_half_opens_after_reset_timeout_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10, clock=clock)
    breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call()

    clock.now += 10
    assert breaker.state == "half_open"
    breaker.before_call()  # the one trial call
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # others wait for the trial's outcome
    breaker.record_success()

    assert breaker.state == "closed"
    breaker.before_call()


def test_failed_trial_reopens_the_circuit() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=5, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 5
    breaker.before_call()

    breaker.record_failure()

    assert breaker.state == "open"
    clock.now += 4.9
    assert breaker.state == "open"


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=5, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.state == "closed"


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=0)
