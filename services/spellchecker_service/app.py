"""Spell Checker Service: a Kafka worker with /healthz, /readyz and /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerOptions
from huleedu_service_libs.quart_app import create_worker_app, run_app

from .config import SpellSettings
from .di import build_container
from .startup_setup import readiness_checks, spell_worker


def create_app(
    settings: SpellSettings | None = None,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    """The worker app: loads the dictionaries, then consumes spellcheck requests."""
    settings = settings or SpellSettings()
    container = build_container(settings, metrics_registry)
    worker = spell_worker(settings, container, options=consumer_options, registry=metrics_registry)
    return create_worker_app(
        settings,
        worker=worker.background_task(),
        container=container,
        readiness_checks=readiness_checks(settings, container),
        on_startup=[worker.prepare],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = SpellSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
