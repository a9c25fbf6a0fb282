"""Batch Conductor Service: app factory and process entry point."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.kafka import ConsumerOptions, KafkaBus
from huleedu_service_libs.quart_app import create_service_app, run_app

from .api.pipeline_routes import pipelines_bp
from .config import BCSSettings
from .di import build_container
from .domain.pipeline_catalog import PipelineConfigError, load_pipeline_catalog
from .metrics import BCSMetrics
from .startup_setup import consumer_host, readiness_checks


def create_app(
    settings: BCSSettings | None = None,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    """The BCS app: the define API and the projection consumer as a background task.

    Raises `PipelineConfigError` when `pipelines.yaml` is invalid, so a bad configuration
    stops the service at startup.
    """
    settings = settings or BCSSettings()
    catalog = load_pipeline_catalog(settings.pipelines_file)
    container = build_container(settings, catalog, BCSMetrics(metrics_registry))
    consumer = consumer_host(
        settings, container, options=consumer_options, registry=metrics_registry
    )

    async def start_kafka_bus() -> None:
        # Connect the dead-letter producer now, not on the first failed resolution.
        await container.get(KafkaBus)

    return create_service_app(
        settings,
        container=container,
        blueprints=[pipelines_bp],
        readiness_checks=readiness_checks(settings, container),
        background_tasks=[consumer.background_task()],
        on_startup=[start_kafka_bus, consumer.prepare],
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = BCSSettings()
    try:
        app = create_app(settings)
    except PipelineConfigError as exc:
        raise SystemExit(f"{settings.service_name}: invalid pipeline configuration: {exc}") from exc
    run_app(app, settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
