"""Readiness checks for ``/readyz``: one named async probe per dependency, run with a timeout.

A check passes when its probe returns and fails when it raises or times out. Failures report
only the exception type (details go to the log) so that ``/readyz`` never leaks a URL or
password.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import structlog

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = structlog.stdlib.get_logger(__name__)

CheckStatus = Literal["ok", "error"]
_T = TypeVar("_T")


class SupportsPing(Protocol):
    """A Redis client (redis.asyncio or HuleEdu's RedisClient)."""

    def ping(self) -> Any: ...


@dataclass(frozen=True)
class ReadinessCheck:
    """A named dependency probe; ``probe`` raises when the dependency is not usable."""

    name: str
    probe: Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: CheckStatus
    duration_ms: float
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "duration_ms": self.duration_ms}
        if self.error is not None:
            body["error"] = self.error
        return body


@dataclass(frozen=True)
class ReadinessReport:
    results: tuple[CheckResult, ...]

    @property
    def ready(self) -> bool:
        return all(result.status == "ok" for result in self.results)

    def checks(self) -> dict[str, dict[str, object]]:
        return {result.name: result.as_dict() for result in self.results}


async def _run_one(check: ReadinessCheck, timeout_s: float) -> CheckResult:
    started = time.perf_counter()
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            await check.probe()
    except TimeoutError:
        error = "timeout"
    except Exception as exc:  # any failure of a probe means "not ready", never a 500
        error = type(exc).__name__
        logger.warning("readiness check failed", check=check.name, error=repr(exc))
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    status: CheckStatus = "ok" if error is None else "error"
    return CheckResult(check.name, status, duration_ms, error)


async def run_readiness_checks(
    checks: Sequence[ReadinessCheck], timeout_s: float
) -> ReadinessReport:
    """Run every check concurrently, each bounded by ``timeout_s``."""
    results = await asyncio.gather(*(_run_one(check, timeout_s) for check in checks))
    return ReadinessReport(tuple(results))


def postgres_check(engine: AsyncEngine, name: str = "postgres") -> ReadinessCheck:
    """``SELECT 1`` through the service's engine (and so through its pool)."""
    from sqlalchemy import text

    async def probe() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return ReadinessCheck(name, probe)


def redis_check(client: SupportsPing, name: str = "redis") -> ReadinessCheck:
    """``PING`` through the service's Redis client."""

    async def probe() -> None:
        answer = client.ping()
        if inspect.isawaitable(answer):
            answer = await answer
        if answer is False:
            raise ConnectionError("redis PING was not answered")

    return ReadinessCheck(name, probe)


def kafka_check(
    bootstrap_servers: str, name: str = "kafka", *, request_timeout_ms: int = 2_000
) -> ReadinessCheck:
    """Fetch cluster metadata from the bootstrap servers with a short-lived client."""

    async def probe() -> None:
        from aiokafka.client import AIOKafkaClient
        from aiokafka.errors import KafkaConnectionError

        client = AIOKafkaClient(
            bootstrap_servers=bootstrap_servers,
            client_id="huleedu-readiness",
            request_timeout_ms=request_timeout_ms,
        )
        try:
            await client.bootstrap()
            if not client.cluster.brokers():
                raise KafkaConnectionError("no broker in the cluster metadata")
        finally:
            await client.close()

    return ReadinessCheck(name, probe)


def deferred_check(
    name: str,
    resolve: Callable[[], Awaitable[_T]],
    make_check: Callable[[_T], ReadinessCheck],
) -> ReadinessCheck:
    """A check on a dependency that exists only once the service runs, e.g. an engine the
    dishka container provides: ``deferred_check("postgres", lambda: container.get(AsyncEngine),
    postgres_check)``."""

    async def probe() -> None:
        await make_check(await resolve()).probe()

    return ReadinessCheck(name, probe)


def task_check(name: str, is_alive: Callable[[], bool]) -> ReadinessCheck:
    """Fails when a background task (consumer, relay) is no longer running."""

    async def probe() -> None:
        if not is_alive():
            raise RuntimeError(f"background task {name} is not running")

    return ReadinessCheck(name, probe)
