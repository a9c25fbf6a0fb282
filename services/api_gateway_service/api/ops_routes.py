"""`/healthz` (liveness), `/readyz` (Redis, Kafka, the notification subscription and, if
configured, BOS/File/RAS health) and `/metrics` (Prometheus)."""

from dishka import FromDishka
from dishka.integrations.fastapi import DishkaRoute
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from common_core.error_models import ErrorCode
from huleedu_service_libs.health import run_readiness_checks
from huleedu_service_libs.metrics import render_metrics

from ..config import GatewaySettings
from ..errors import error_response
from ..startup_setup import ReadinessChecks
from ..telemetry import MetricsRegistry

router = APIRouter(route_class=DishkaRoute, tags=["operations"], include_in_schema=True)


@router.get("/healthz", summary="Liveness")
async def healthz(settings: FromDishka[GatewaySettings]) -> dict[str, str]:
    return {"status": "ok", "service": settings.service_name}


@router.get("/readyz", summary="Readiness of the gateway's dependencies")
async def readyz(
    settings: FromDishka[GatewaySettings], checks: FromDishka[ReadinessChecks]
) -> JSONResponse:
    report = await run_readiness_checks(checks.checks, settings.readiness_timeout_seconds)
    if report.ready:
        return JSONResponse({"status": "ready", "checks": report.checks()})
    return error_response(
        503, ErrorCode.SERVICE_UNAVAILABLE, "service is not ready", {"checks": report.checks()}
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response, response_model=None)
async def metrics(registry: FromDishka[MetricsRegistry]) -> Response:
    body, content_type = render_metrics(registry.registry)
    return Response(body, media_type=content_type)
