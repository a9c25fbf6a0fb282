"""CJ Assessment Service: a Kafka worker with /healthz, /readyz and /metrics (port 9095)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerOptions
from huleedu_service_libs.quart_app import create_worker_app, run_app

from .config import CJSettings
from .di import build_container
from .startup_setup import ConsumerTask, readiness_checks, start_outbox_relay


def create_app(
    settings: CJSettings | None = None,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    settings = settings or CJSettings()
    container = build_container(
        settings, consumer_options=consumer_options, metrics_registry=metrics_registry
    )

    async def relay_hook() -> None:
        await start_outbox_relay(container)

    return create_worker_app(
        settings,
        worker=ConsumerTask(container).background_task(),
        container=container,
        readiness_checks=readiness_checks(settings, container),
        on_startup=[relay_hook],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = CJSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
