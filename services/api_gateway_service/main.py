"""API Gateway: app factory and process entry point (uvicorn)."""

from __future__ import annotations

import uvicorn
from dishka.integrations.fastapi import setup_dishka
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CollectorRegistry

from huleedu_service_libs.correlation import CORRELATION_HEADER
from huleedu_service_libs.lifecycle import freeze_startup_objects
from huleedu_service_libs.logging import configure_logging

from .api import batch_routes, file_routes, ops_routes, ws_routes
from .api.docs import install_openapi
from .config import GatewaySettings
from .di import build_container
from .error_handlers import install_error_handlers
from .middleware import RequestContextMiddleware
from .startup_setup import lifespan_for
from .telemetry import GatewayMetrics, MetricsRegistry

API_DESCRIPTION = """The one client-facing API of HuleEdu.

Authenticate with `Authorization: Bearer <JWT>` (`huleedu token --user NAME` prints one for a
local stack). Every error answers `{"error": {code, message, details, correlation_id}}`; send
`X-Correlation-ID` to follow a request through the services. Live updates: `WS /ws?token=...`.
"""


def create_app(
    settings: GatewaySettings | None = None,
    *,
    metrics_registry: CollectorRegistry | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    """The gateway app; its lifespan starts the notification listener and the producer."""
    settings = settings or GatewaySettings()
    if configure_logs:
        configure_logging(settings.service_name, settings.log_level, settings.log_format)
    container = build_container(settings, MetricsRegistry(metrics_registry))
    app = FastAPI(
        title="HuleEdu API Gateway",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan_for(settings, container),
    )
    install_error_handlers(app)
    for router in (batch_routes.router, file_routes.router, ws_routes.router, ops_routes.router):
        app.include_router(router)
    install_openapi(app)
    setup_dishka(container, app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", CORRELATION_HEADER],
        expose_headers=[
            CORRELATION_HEADER,
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
        ],
    )
    # Added last = outermost: it sees every answer, CORS preflights and errors included.
    app.add_middleware(
        RequestContextMiddleware, metrics=GatewayMetrics(settings.service_name, metrics_registry)
    )
    return app


def uvicorn_config(app: FastAPI, settings: GatewaySettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        lifespan="on",
        # uvloop and httptools when installed (they are dependencies), else asyncio and h11.
        loop="auto",
        http="auto",
        log_config=None,  # configure_logging's handler renders uvicorn's records too
        access_log=False,
        ws="websockets-sansio",
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_timeout_seconds,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
    )


def main() -> None:
    settings = GatewaySettings()
    app = create_app(settings)
    freeze_startup_objects()
    # `Server.run` (not `asyncio.run(serve())`) so that the configured event loop is used.
    uvicorn.Server(uvicorn_config(app, settings)).run()


if __name__ == "__main__":
    main()
