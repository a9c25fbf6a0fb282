"""The ELS worker process: consumes intake and phase events, sweeps readiness and phase
deadlines, and serves ``/healthz``, ``/readyz`` and ``/metrics`` (port 6002)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerRunner
from huleedu_service_libs.quart_app import create_service_app, run_app
from services.essay_lifecycle_service.config import ElsSettings, ElsWorkerSettings
from services.essay_lifecycle_service.di import build_worker_container
from services.essay_lifecycle_service.readiness_sweeper import (
    PhaseTimeoutSweeper,
    ReadinessSweeper,
)
from services.essay_lifecycle_service.startup_setup import ContainerTask, worker_readiness_checks


def create_worker_app(
    settings: ElsSettings | None = None,
    *,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    settings = settings or ElsWorkerSettings()
    container = build_worker_container(settings)
    return create_service_app(
        settings,
        container=container,
        readiness_checks=worker_readiness_checks(container, settings),
        background_tasks=[
            ContainerTask(container, ConsumerRunner).as_background_task("consumer"),
            ContainerTask(container, ReadinessSweeper).as_background_task("readiness_sweeper"),
            ContainerTask(container, PhaseTimeoutSweeper).as_background_task("phase_sweeper"),
        ],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = ElsWorkerSettings()
    run_app(create_worker_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
