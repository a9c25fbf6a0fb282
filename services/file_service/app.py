"""The File Service: batch uploads, text extraction and student name parsing (port 7001)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from quart import Quart

from huleedu_service_libs.quart_app import create_service_app, run_app
from services.file_service.api.upload_routes import upload_bp
from services.file_service.config import FileSettings
from services.file_service.di import build_container
from services.file_service.startup_setup import outbox_relay_hook, readiness_checks
from services.file_service.upload_metrics import UploadMetrics


def create_app(
    settings: FileSettings | None = None,
    *,
    metrics_registry: CollectorRegistry | None = None,
) -> Quart:
    settings = settings or FileSettings()
    container = build_container(settings, UploadMetrics(metrics_registry))
    app = create_service_app(
        settings,
        container=container,
        blueprints=[upload_bp],
        readiness_checks=readiness_checks(settings, container),
        on_startup=[outbox_relay_hook(container)],
        metrics_registry=metrics_registry,
    )
    # Quart refuses a body that grows past the limit while it is read (413, standard body).
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    return app


def main() -> None:
    settings = FileSettings()
    run_app(create_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
