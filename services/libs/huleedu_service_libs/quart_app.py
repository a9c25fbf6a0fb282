"""The Quart application factory every HuleEdu service (and worker) uses.

A service gets, with one call::

    app = create_service_app(
        settings,
        container=make_async_container(MyProvider(), QuartProvider(), context={...}),
        blueprints=[api_bp],
        readiness_checks=[postgres_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
        background_tasks=[BackgroundTask.for_runner("consumer", runner)],
    )
    await serve_app(app, settings.http_host, settings.http_port)

``/healthz`` (liveness), ``/readyz`` (dependency checks), ``/metrics`` (Prometheus), JSON
errors, ``X-Correlation-ID`` in and out, internal service auth on every other route, the
dishka container (quart-dishka) and graceful shutdown of background tasks and the container.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

from dishka import AsyncContainer
from hypercorn.asyncio import serve
from hypercorn.config import Config as HypercornConfig
from prometheus_client import CollectorRegistry
from quart import Blueprint, Quart, Response, jsonify
from quart_dishka import QuartDishka

from huleedu_service_libs.api_errors import (
    ApiError,
    ErrorCode,
    error_response,
    install_error_handlers,
)
from huleedu_service_libs.auth import InternalAuth
from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.correlation import install_correlation_id
from huleedu_service_libs.health import (
    ReadinessCheck,
    deferred_check,
    kafka_check,
    postgres_check,
    redis_check,
    run_readiness_checks,
    task_check,
)
from huleedu_service_libs.lifecycle import (
    BackgroundTask,
    BackgroundTaskFailed,
    DeferredRunner,
    Hook,
    ServiceRuntime,
    freeze_startup_objects,
)
from huleedu_service_libs.logging import configure_logging
from huleedu_service_libs.metrics import HttpMetrics, metrics_response

__all__ = [
    "ApiError",
    "BackgroundTask",
    "BackgroundTaskFailed",
    "DeferredRunner",
    "ErrorCode",
    "ReadinessCheck",
    "create_service_app",
    "create_worker_app",
    "deferred_check",
    "kafka_check",
    "postgres_check",
    "redis_check",
    "run_app",
    "serve_app",
    "service_runtime",
]

_RUNTIME_KEY = "huleedu"


def create_service_app(
    settings: ServiceSettingsBase,
    *,
    container: AsyncContainer | None = None,
    blueprints: Sequence[Blueprint] = (),
    readiness_checks: Sequence[ReadinessCheck] = (),
    background_tasks: Sequence[BackgroundTask] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    internal_auth: bool = True,
    metrics_registry: CollectorRegistry | None = None,
    configure_logs: bool = True,
) -> Quart:
    """A Quart app wired the HuleEdu way (see the module docstring).

    ``internal_auth`` guards every route but ``/healthz``, ``/readyz`` and ``/metrics`` with
    the service credentials of ``settings``. The container, when given, is closed last at
    shutdown; build it with ``quart_dishka.QuartProvider()`` to inject the request.
    """
    if configure_logs:
        configure_logging(settings.service_name, settings.log_level, settings.log_format)
    app = Quart(settings.service_name)
    runtime = ServiceRuntime(
        service_name=settings.service_name,
        background_tasks=tuple(background_tasks),
        on_startup=tuple(on_startup),
        on_shutdown=tuple(on_shutdown),
        container=container,
        shutdown_timeout_s=settings.shutdown_timeout_seconds,
    )
    app.extensions[_RUNTIME_KEY] = runtime

    # Hook order matters: time everything, then know the correlation id, then refuse
    # unauthenticated callers before any request-scoped work (the dishka scope) starts.
    HttpMetrics(settings.service_name, metrics_registry).install(app)
    install_correlation_id(app)
    install_error_handlers(app)
    if internal_auth:
        InternalAuth(settings.internal_api_key, settings.known_service_ids).install(app)

    checks = [*readiness_checks, *_task_checks(runtime)]
    _add_operational_routes(app, settings, checks, metrics_registry)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    if container is not None:
        QuartDishka(app=app, container=container)

    app.before_serving(runtime.startup)
    app.after_serving(runtime.shutdown)
    return app


def create_worker_app(
    settings: ServiceSettingsBase,
    *,
    worker: BackgroundTask,
    container: AsyncContainer | None = None,
    readiness_checks: Sequence[ReadinessCheck] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    """An app for a worker without public API: only ``/healthz``, ``/readyz`` and ``/metrics``
    while ``worker`` runs. Serve it with :func:`serve_app`; it stops when the worker fails."""
    return create_service_app(
        settings,
        container=container,
        readiness_checks=readiness_checks,
        background_tasks=[worker],
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        metrics_registry=metrics_registry,
    )


def service_runtime(app: Quart) -> ServiceRuntime:
    """The runtime (background tasks, shutdown request) of an app made by this module."""
    runtime = app.extensions.get(_RUNTIME_KEY)
    if not isinstance(runtime, ServiceRuntime):
        raise LookupError("this app was not created by create_service_app")
    return runtime


def _task_checks(runtime: ServiceRuntime) -> list[ReadinessCheck]:
    def alive(name: str) -> ReadinessCheck:
        return task_check(f"task:{name}", lambda: runtime.is_alive(name))

    return [alive(task.name) for task in runtime.background_tasks]


def _add_operational_routes(
    app: Quart,
    settings: ServiceSettingsBase,
    checks: Sequence[ReadinessCheck],
    registry: CollectorRegistry | None,
) -> None:
    async def healthz() -> Response:
        return jsonify({"status": "ok", "service": settings.service_name})

    async def readyz() -> Response:
        report = await run_readiness_checks(checks, settings.readiness_timeout_seconds)
        if report.ready:
            return jsonify({"status": "ready", "checks": report.checks()})
        return error_response(
            503,
            ErrorCode.SERVICE_UNAVAILABLE,
            "service is not ready",
            {"checks": report.checks()},
        )

    async def metrics() -> Response:
        return metrics_response(registry)

    app.add_url_rule("/healthz", "huleedu_healthz", healthz, methods=["GET"])
    app.add_url_rule("/readyz", "huleedu_readyz", readyz, methods=["GET"])
    app.add_url_rule("/metrics", "huleedu_metrics", metrics, methods=["GET"])


def _hypercorn_config(host: str, port: int, graceful_timeout_s: float) -> HypercornConfig:
    config = HypercornConfig()
    config.bind = [f"{host}:{port}"]
    config.graceful_timeout = graceful_timeout_s
    config.accesslog = None
    # Hypercorn's own errors go through the root handler that configure_logging installed.
    config.errorlog = logging.getLogger("hypercorn.error")
    return config


async def serve_app(
    app: Quart,
    host: str,
    port: int,
    *,
    graceful_timeout_s: float = 10.0,
    handle_signals: bool = True,
) -> None:
    """Serve ``app`` with hypercorn until SIGTERM/SIGINT (or a failed background task), then
    shut down gracefully: in-flight requests finish, background tasks stop, the container
    closes. Raises :class:`BackgroundTaskFailed` when a background task ended unexpectedly."""
    runtime = service_runtime(app)
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if handle_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, runtime.request_shutdown)
                installed.append(sig)
    try:
        config = _hypercorn_config(host, port, graceful_timeout_s)
        await serve(app, config, shutdown_trigger=runtime.wait_for_shutdown_request)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    if runtime.failed_task is not None:
        raise BackgroundTaskFailed(f"background task {runtime.failed_task!r} ended unexpectedly")


def run_app(
    app: Quart,
    host: str,
    port: int,
    *,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
    **kwargs: Any,
) -> None:
    """Blocking entry point for a service's ``main()``: ``asyncio.run(serve_app(...))``, on
    the event loop ``loop_factory`` makes when given (e.g. ``uvloop.new_event_loop``)."""
    freeze_startup_objects()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(serve_app(app, host, port, **kwargs))
