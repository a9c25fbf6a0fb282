"""Startup and graceful shutdown of what a service runs beside its HTTP API.

Startup: the ``on_startup`` hooks in order (e.g. start the Kafka producer), then every
background task (consumer runners, relays). Shutdown: each background task is asked to stop
(a consumer finishes the message in flight and commits) and awaited up to a timeout, newest
first; then the ``on_shutdown`` hooks in reverse order; then the dishka container is closed,
which closes what it provided (producer, pools, clients).

A background task that ends or fails while the service is running asks the process to shut
down, so a supervisor sees the failure instead of a half-working service.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import structlog
from dishka import AsyncContainer

logger = structlog.stdlib.get_logger(__name__)

Hook = Callable[[], Awaitable[object]]


class SupportsRunStop(Protocol):
    """A long-running worker such as the Kafka ``ConsumerRunner``."""

    async def run(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class BackgroundTask:
    """A coroutine run for the life of the service; ``stop`` asks it to return gracefully."""

    name: str
    run: Callable[[], Awaitable[object]]
    stop: Hook | None = None

    @classmethod
    def for_runner(cls, name: str, runner: SupportsRunStop) -> BackgroundTask:
        return cls(name=name, run=runner.run, stop=runner.stop)


RunnerFactory = Callable[[], Awaitable[SupportsRunStop]]


class DeferredRunner:
    """A worker built by a startup hook, then run as a background task.

    A service's consumer runner needs async resources of the dishka container (sessions, the
    Kafka bus, Redis), which cannot be resolved when the app is created: ``prepare`` (a startup
    hook) builds it, ``background_task()`` runs it. ``before_run`` runs first inside the task,
    for slow preparation (e.g. loading dictionaries) that must not hold up ``/healthz``.
    """

    def __init__(
        self,
        build: RunnerFactory,
        *,
        name: str = "consumer",
        before_run: Hook | None = None,
    ) -> None:
        self._build = build
        self._name = name
        self._before_run = before_run
        self._runner: SupportsRunStop | None = None
        self._stop_requested = asyncio.Event()

    async def prepare(self) -> None:
        self._runner = await self._build()

    async def run(self) -> None:
        if self._runner is None:
            raise RuntimeError(f"{self._name}: prepare() must run before run()")
        if self._before_run is not None:
            await self._before_run()
        if self._stop_requested.is_set():
            return
        await self._runner.run()

    async def stop(self) -> None:
        self._stop_requested.set()
        if self._runner is not None:
            await self._runner.stop()

    def background_task(self) -> BackgroundTask:
        return BackgroundTask(name=self._name, run=self.run, stop=self.stop)


class BackgroundTaskFailed(RuntimeError):
    """A background task ended while the service was running."""


@dataclass
class _Running:
    spec: BackgroundTask
    task: asyncio.Task[object]


@dataclass
class ServiceRuntime:
    """Owns the background tasks and hooks of one app (``app.extensions["huleedu"]``)."""

    service_name: str
    background_tasks: Sequence[BackgroundTask] = ()
    on_startup: Sequence[Hook] = ()
    on_shutdown: Sequence[Hook] = ()
    container: AsyncContainer | None = None
    shutdown_timeout_s: float = 15.0
    failed_task: str | None = None
    _running: list[_Running] = field(default_factory=list)
    _stopping: bool = False
    _shutdown_requested: asyncio.Event = field(default_factory=asyncio.Event)

    def is_alive(self, name: str) -> bool:
        return any(item.spec.name == name and not item.task.done() for item in self._running)

    def request_shutdown(self) -> None:
        """Ask :func:`serve_app` to stop the server (signals and failed tasks use this)."""
        self._shutdown_requested.set()

    async def wait_for_shutdown_request(self) -> None:
        await self._shutdown_requested.wait()

    async def startup(self) -> None:
        self._stopping = False
        try:
            for hook in self.on_startup:
                await hook()
        except BaseException:
            logger.exception("service startup failed; releasing what was started")
            await self.shutdown()
            raise
        self._start_background_tasks()
        logger.info(
            "service started",
            background_tasks=[spec.name for spec in self.background_tasks],
        )

    def _start_background_tasks(self) -> None:
        for spec in self.background_tasks:
            task: asyncio.Task[object] = asyncio.create_task(
                _run_task(spec), name=f"{self.service_name}:{spec.name}"
            )
            task.add_done_callback(self._task_ended)
            self._running.append(_Running(spec, task))

    async def shutdown(self) -> None:
        self._stopping = True
        for item in reversed(self._running):
            await self._stop_task(item)
        self._running.clear()
        for hook in reversed(self.on_shutdown):
            await _run_hook_safely(hook)
        if self.container is not None:
            await self.container.close()
        logger.info("service stopped")

    def _task_ended(self, task: asyncio.Task[object]) -> None:
        if self._stopping or task.cancelled():
            return
        name = next((i.spec.name for i in self._running if i.task is task), task.get_name())
        exc = task.exception()
        logger.error(
            "background task ended while the service was running; shutting down",
            task=name,
            error=repr(exc) if exc is not None else None,
        )
        self.failed_task = self.failed_task or name
        self.request_shutdown()

    async def _stop_task(self, item: _Running) -> None:
        if item.spec.stop is not None and not item.task.done():
            await _run_hook_safely(item.spec.stop)
        try:
            await asyncio.wait_for(asyncio.shield(item.task), self.shutdown_timeout_s)
        except TimeoutError:
            logger.warning("background task did not stop in time; cancelling", task=item.spec.name)
            item.task.cancel()
            await asyncio.gather(item.task, return_exceptions=True)
        except asyncio.CancelledError:
            if not item.task.cancelled():
                raise
        except Exception:  # its failure was logged when it ended; shutdown goes on
            pass


async def _run_task(spec: BackgroundTask) -> object:
    return await spec.run()


async def _run_hook_safely(hook: Hook) -> None:
    try:
        await hook()
    except Exception:
        logger.exception("shutdown step failed", hook=getattr(hook, "__qualname__", repr(hook)))


def freeze_startup_objects() -> None:
    """Move everything allocated so far (modules, the app, its routes and models) out of the
    cyclic garbage collector's reach. A full collection of a service process otherwise walks
    ~150k long-lived objects and stalls the event loop for tens of milliseconds, which shows in
    request latency tails. Call it once in the process entry point, right before serving."""
    gc.freeze()
