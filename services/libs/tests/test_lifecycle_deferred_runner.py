"""DeferredRunner: a worker built at startup and run as a background task."""

from __future__ import annotations

import asyncio

import pytest

from huleedu_service_libs.lifecycle import DeferredRunner, Hook


class FakeRunner:
    def __init__(self) -> None:
        self.stopped = asyncio.Event()
        self.runs = 0

    async def run(self) -> None:
        self.runs += 1
        await self.stopped.wait()

    async def stop(self) -> None:
        self.stopped.set()


def deferred(
    runner: FakeRunner,
    steps: list[str],
    *,
    name: str = "consumer",
    before_run: Hook | None = None,
) -> DeferredRunner:
    async def build() -> FakeRunner:
        steps.append("build")
        return runner

    return DeferredRunner(build, name=name, before_run=before_run)


async def test_runs_the_runner_built_by_prepare_until_stopped() -> None:
    runner, steps = FakeRunner(), []
    host = deferred(runner, steps)
    await host.prepare()
    task = asyncio.create_task(host.background_task().run())
    await asyncio.sleep(0)
    assert steps == ["build"] and runner.runs == 1
    await host.stop()
    await asyncio.wait_for(task, 1)


async def test_run_before_prepare_is_refused_with_the_task_name() -> None:
    host = deferred(FakeRunner(), [], name="projection")
    with pytest.raises(RuntimeError, match="projection: prepare"):
        await host.run()


async def test_before_run_comes_first_and_a_stop_meanwhile_skips_the_runner() -> None:
    runner, steps = FakeRunner(), []
    host: DeferredRunner

    async def load() -> None:
        steps.append("load")
        await host.stop()

    host = deferred(runner, steps, before_run=load)
    await host.prepare()
    await asyncio.wait_for(host.run(), 1)
    assert steps == ["build", "load"]
    assert runner.runs == 0


def test_background_task_carries_the_name() -> None:
    assert deferred(FakeRunner(), [], name="worker").background_task().name == "worker"


def test_freeze_startup_objects_hides_existing_objects_from_the_collector() -> None:
    import gc

    from huleedu_service_libs.lifecycle import freeze_startup_objects

    before = gc.get_freeze_count()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
