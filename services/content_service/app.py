"""The Content Service: content-addressed storage of essay texts (port 8001)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.quart_app import create_service_app, run_app
from services.content_service.api.content_routes import content_bp
from services.content_service.config import ContentSettings
from services.content_service.di import build_container
from services.content_service.startup_setup import readiness_checks


def create_app(
    settings: ContentSettings | None = None,
    *,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    settings = settings or ContentSettings()
    container = build_container(settings)
    app = create_service_app(
        settings,
        container=container,
        blueprints=[content_bp],
        readiness_checks=readiness_checks(container),
        metrics_registry=metrics_registry,
    )
    # Quart itself refuses a chunked body that grows past the limit (413, standard body).
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_bytes
    return app


def main() -> None:
    settings = ContentSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
