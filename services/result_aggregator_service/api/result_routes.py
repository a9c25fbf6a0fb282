"""The internal read API the gateway calls (service credentials required by the app factory):

- `GET /internal/v1/batches/{batch_id}/status`
- `GET /internal/v1/users/{user_id}/batches?limit&offset&status`
- `GET /internal/v1/batches/{batch_id}/essays/{essay_id}`
"""

from __future__ import annotations

from dishka import FromDishka
from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, request
from quart_dishka import inject

from common_core.status_enums import BatchClientStatus
from huleedu_service_libs.api_errors import ApiError, ErrorCode

from ..read_service import ResultReader

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

results_bp = Blueprint("ras_results", __name__)


class BatchListQuery(BaseModel):
    """Query parameters of the user's batch listing."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0)
    status: BatchClientStatus | None = None


@results_bp.get("/internal/v1/batches/<batch_id>/status")
@inject
async def batch_status(batch_id: str, reader: FromDishka[ResultReader]) -> Response:
    body = await reader.batch_status(batch_id)
    if body is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, "batch not found", {"batch_id": batch_id})
    return _json(body)


@results_bp.get("/internal/v1/users/<user_id>/batches")
@inject
async def user_batches(user_id: str, reader: FromDishka[ResultReader]) -> Response:
    query = BatchListQuery.model_validate(request.args.to_dict())
    body = await reader.user_batches(
        user_id, limit=query.limit, offset=query.offset, status=query.status
    )
    return _json(body)


@results_bp.get("/internal/v1/batches/<batch_id>/essays/<essay_id>")
@inject
async def essay_result(batch_id: str, essay_id: str, reader: FromDishka[ResultReader]) -> Response:
    body = await reader.essay(batch_id, essay_id)
    if body is None:
        details = {"batch_id": batch_id, "essay_id": essay_id}
        raise ApiError(404, ErrorCode.NOT_FOUND, "essay not found", details)
    return _json(body)


def _json(body: str) -> Response:
    return Response(body, status=200, content_type="application/json")
