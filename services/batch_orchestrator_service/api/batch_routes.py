"""`POST /v1/batches/register`, `GET /v1/batches/{batch_id}/status` and the internal
`GET /internal/v1/batches/{batch_id}/pipeline-state` (all behind service credentials)."""

from __future__ import annotations

from typing import Any

from dishka import FromDishka
from quart import Blueprint, request
from quart_dishka import inject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.pipeline_models import ProcessingPipelineState
from huleedu_service_libs.api_errors import ApiError, ErrorCode
from huleedu_service_libs.correlation import current_correlation_id

from ..domain.batch import Batch
from ..domain.registration import BatchRegistrationRequestV1
from ..protocols import BatchRepository, PipelineRunRepository
from ..registration_service import BatchRegistrar
from .views import batch_status_view, internal_pipeline_state_view

USER_ID_HEADER = "X-User-ID"
REGISTERED = "registered"

batches_bp = Blueprint("bos_batches", __name__)


@batches_bp.post("/v1/batches/register")
@inject
async def register_batch(registrar: FromDishka[BatchRegistrar]) -> tuple[dict[str, Any], int]:
    body = await request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, ErrorCode.BAD_REQUEST, "the request body must be a JSON object")
    registration = BatchRegistrationRequestV1.model_validate(body)
    correlation_id = current_correlation_id()
    if correlation_id is None:  # the app factory always sets one; keep mypy and readers sure
        raise RuntimeError("no correlation id on the request")
    batch = await registrar.register(registration, correlation_id)
    response = {
        "batch_id": batch.batch_id,
        "correlation_id": str(correlation_id),
        "status": REGISTERED,
        "essay_ids": list(batch.essay_ids),
    }
    return response, 202


@batches_bp.get("/v1/batches/<batch_id>/status")
@inject
async def batch_status(
    batch_id: str,
    sessions: FromDishka[async_sessionmaker[AsyncSession]],
    repository: FromDishka[BatchRepository],
    runs: FromDishka[PipelineRunRepository],
) -> dict[str, Any]:
    batch, latest_run = await _owned_batch(batch_id, sessions, repository, runs)
    return batch_status_view(batch, latest_run)


@batches_bp.get("/internal/v1/batches/<batch_id>/pipeline-state")
@inject
async def pipeline_state(
    batch_id: str,
    sessions: FromDishka[async_sessionmaker[AsyncSession]],
    repository: FromDishka[BatchRepository],
    runs: FromDishka[PipelineRunRepository],
) -> dict[str, Any]:
    batch, latest_run = await _owned_batch(batch_id, sessions, repository, runs)
    return internal_pipeline_state_view(batch, latest_run)


async def _owned_batch(
    batch_id: str,
    sessions: async_sessionmaker[AsyncSession],
    repository: BatchRepository,
    runs: PipelineRunRepository,
) -> tuple[Batch, ProcessingPipelineState | None]:
    """The batch and its latest pipeline run; 404 when the batch is unknown or, if the caller
    names a user (`X-User-ID`), not theirs."""
    async with sessions() as session:
        batch = await repository.get(session, batch_id)
        run_id = batch.pipeline_state.last_pipeline_run_id if batch else None
        latest_run = await runs.get(session, run_id) if run_id else None
    requesting_user = request.headers.get(USER_ID_HEADER)
    if batch is None or (requesting_user and requesting_user != batch.user_id):
        raise ApiError(404, ErrorCode.NOT_FOUND, "batch not found", {"batch_id": batch_id})
    return batch, latest_run
