"""The ELS API process: essay and batch status for other services (port 6001)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.quart_app import create_service_app, run_app
from services.essay_lifecycle_service.api.status_routes import status_bp
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.di import build_api_container
from services.essay_lifecycle_service.startup_setup import api_readiness_checks


def create_app(
    settings: ElsSettings | None = None,
    *,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    settings = settings or ElsSettings()
    container = build_api_container(settings)
    return create_service_app(
        settings,
        container=container,
        blueprints=[status_bp],
        readiness_checks=api_readiness_checks(container),
        metrics_registry=metrics_registry,
    )


def main() -> None:
    settings = ElsSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
