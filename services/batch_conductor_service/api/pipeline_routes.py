"""`POST /internal/v1/pipelines/define` (service credentials required, as on every route)."""

from __future__ import annotations

from typing import Any

from dishka import FromDishka
from quart import Blueprint, request
from quart_dishka import inject

from common_core.error_models import ErrorCode
from huleedu_service_libs.api_errors import ApiError
from huleedu_service_libs.logging import bind_context

from ..api_models import DefinePipelineRequest
from ..domain.pipeline_catalog import UnknownPipelineError
from ..resolution_service import PipelineResolutionService

pipelines_bp = Blueprint("bcs_pipelines", __name__)


@pipelines_bp.post("/internal/v1/pipelines/define")
@inject
async def define_pipeline(service: FromDishka[PipelineResolutionService]) -> dict[str, Any]:
    body = await request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, ErrorCode.BAD_REQUEST, "the request body must be a JSON object")
    define_request = DefinePipelineRequest.model_validate(body)
    with bind_context(
        batch_id=define_request.batch_id, correlation_id=define_request.correlation_id
    ):
        try:
            response = await service.define(define_request)
        except UnknownPipelineError as exc:
            details = {
                "reason": "unknown_pipeline",
                "requested_pipeline": exc.requested,
                "available_pipelines": exc.available,
            }
            raise ApiError(400, ErrorCode.BAD_REQUEST, str(exc), details) from exc
    return response.model_dump(mode="json")
