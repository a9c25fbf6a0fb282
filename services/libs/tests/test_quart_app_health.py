"""Readiness check helpers without servers: runner, timeouts, deferred and task checks."""

from __future__ import annotations

import asyncio

from huleedu_service_libs.health import (
    ReadinessCheck,
    deferred_check,
    redis_check,
    run_readiness_checks,
    task_check,
)


async def test_checks_run_concurrently_within_the_timeout() -> None:
    async def slow_ok() -> None:
        await asyncio.sleep(0.2)

    checks = [ReadinessCheck(f"dep{i}", slow_ok) for i in range(5)]
    loop = asyncio.get_running_loop()
    started = loop.time()

    report = await run_readiness_checks(checks, timeout_s=1.0)

    assert report.ready
    assert loop.time() - started < 0.6
    assert set(report.checks()) == {f"dep{i}" for i in range(5)}


async def test_deferred_check_resolves_the_dependency_on_each_probe() -> None:
    resolved: list[str] = []

    async def resolve() -> str:
        resolved.append("engine")
        return "engine"

    def make(target: str) -> ReadinessCheck:
        async def probe() -> None:
            if target != "engine":
                raise AssertionError(target)

        return ReadinessCheck("inner", probe)

    check = deferred_check("postgres", resolve, make)
    report = await run_readiness_checks([check, check], timeout_s=1.0)

    assert report.ready
    assert resolved == ["engine", "engine"]
    assert check.name == "postgres"


async def test_task_check_follows_liveness() -> None:
    alive = True
    check = task_check("task:consumer", lambda: alive)

    assert (await run_readiness_checks([check], 1.0)).ready
    alive = False
    report = await run_readiness_checks([check], 1.0)
    assert not report.ready
    assert report.checks()["task:consumer"]["error"] == "RuntimeError"


class SyncPing:
    def __init__(self, answer: bool) -> None:
        self.answer = answer

    def ping(self) -> bool:
        return self.answer


class AsyncPing:
    async def ping(self) -> bool:
        return True


async def test_redis_check_accepts_sync_and_async_ping() -> None:
    report = await run_readiness_checks(
        [
            redis_check(AsyncPing(), name="async"),
            redis_check(SyncPing(True), name="sync"),
            redis_check(SyncPing(False), name="unanswered"),
        ],
        1.0,
    )

    statuses = {name: check["status"] for name, check in report.checks().items()}
    assert statuses == {"async": "ok", "sync": "ok", "unanswered": "error"}
