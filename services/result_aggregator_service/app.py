"""Result Aggregator Service: app factory and process entry point."""

from __future__ import annotations

import uvloop
from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerOptions
from huleedu_service_libs.quart_app import create_service_app, run_app

from .api.result_routes import results_bp
from .config import RASSettings
from .di import build_container
from .startup_setup import consumer_host, readiness_checks


def create_app(
    settings: RASSettings | None = None,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    """The RAS app: the internal read API and the event consumer as a background task."""
    settings = settings or RASSettings()
    container = build_container(settings)
    consumer = consumer_host(
        settings, container, options=consumer_options, registry=metrics_registry
    )
    return create_service_app(
        settings,
        container=container,
        blueprints=[results_bp],
        readiness_checks=readiness_checks(settings, container),
        background_tasks=[consumer.background_task()],
        on_startup=[consumer.prepare],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = RASSettings()
    # uvloop: the status reads the gateway forwards are RAS's hot path (event-loop bound).
    run_app(
        create_app(settings),
        settings.http_host,
        settings.http_port,
        loop_factory=uvloop.new_event_loop,
    )


if __name__ == "__main__":
    main()
