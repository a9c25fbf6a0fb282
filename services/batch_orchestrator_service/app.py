"""Batch Orchestrator Service: app factory and process entry point."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerOptions
from huleedu_service_libs.quart_app import create_service_app, run_app

from .api.batch_routes import batches_bp
from .api.dead_letter_routes import dead_letters_bp
from .config import BOSSettings
from .di import build_container
from .startup_setup import consumer_host, readiness_checks, start_outbox_relay


def create_app(
    settings: BOSSettings | None = None,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    """The BOS app: API, outbox relay and the event consumer as a background task."""
    settings = settings or BOSSettings()
    container = build_container(settings)
    consumer = consumer_host(
        settings, container, options=consumer_options, registry=metrics_registry
    )

    async def relay_hook() -> None:
        await start_outbox_relay(container)

    return create_service_app(
        settings,
        container=container,
        blueprints=[batches_bp, dead_letters_bp],
        readiness_checks=readiness_checks(settings, container),
        background_tasks=[consumer.background_task()],
        on_startup=[relay_hook, consumer.prepare],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = BOSSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
