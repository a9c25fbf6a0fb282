"""Batch routes: register (→ BOS), request a pipeline (ownership by BOS → Kafka) and the
reads (→ RAS, owner only)."""

from typing import Annotated
from uuid import UUID

from dishka import FromDishka
from dishka.integrations.fastapi import DishkaRoute
from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from common_core.error_models import ErrorCode
from common_core.events.pipeline import ClientBatchPipelineRequestV1
from common_core.status_enums import BatchClientStatus

from ..domain.pipelines import UnknownPipelineError, known_pipeline
from ..errors import GatewayError
from ..implementations.event_publisher import EventBusUnavailableError
from ..implementations.service_clients import BosClient, RasClient
from ..protocols import PipelineRequestPublisher
from ..request_context import current_correlation_id, set_batch
from .dependencies import Reader, Writer
from .docs import error_responses
from .models import (
    BatchListView,
    BatchStatusView,
    EssayResultView,
    PipelineAcceptedResponse,
    PipelineRequestBody,
    RegisterBatchRequest,
    RegisterBatchResponse,
)

router = APIRouter(prefix="/v1", route_class=DishkaRoute, tags=["batches"])

BatchId = Annotated[str, Path(min_length=1, max_length=255, description="The batch id.")]
EssayId = Annotated[str, Path(min_length=1, max_length=255, description="The essay id.")]
_JSON = "application/json"


@router.post(
    "/batches/register",
    status_code=202,
    response_model=RegisterBatchResponse,
    responses=error_responses(400, 401, 429, 502, 503),
    summary="Register a batch of essays (owned by the caller)",
)
async def register_batch(
    body: RegisterBatchRequest, user: Writer, bos: FromDishka[BosClient]
) -> JSONResponse:
    status, result = await bos.register_batch(
        body.model_dump(mode="json", exclude_none=True), user.user_id
    )
    if isinstance(result.get("batch_id"), str):
        set_batch(result["batch_id"])
    return JSONResponse(result, status_code=status)


def _correlation_id() -> UUID:
    correlation_id = current_correlation_id()
    if correlation_id is None:
        raise RuntimeError("the request context middleware did not run")
    return correlation_id


@router.post(
    "/batches/{batch_id}/pipelines",
    status_code=202,
    response_model=PipelineAcceptedResponse,
    responses=error_responses(400, 401, 404, 429, 503),
    summary="Request a processing pipeline for the caller's batch",
)
async def request_pipeline(
    batch_id: BatchId,
    body: PipelineRequestBody,
    user: Writer,
    bos: FromDishka[BosClient],
    publisher: FromDishka[PipelineRequestPublisher],
) -> PipelineAcceptedResponse:
    set_batch(batch_id)
    try:
        pipeline = known_pipeline(body.requested_pipeline)
    except UnknownPipelineError as exc:
        raise GatewayError(
            400,
            ErrorCode.VALIDATION_ERROR,
            f"unknown pipeline {exc.requested!r}",
            {"requested_pipeline": exc.requested, "available_pipelines": exc.available},
        ) from None
    await bos.require_owner(batch_id, user.user_id)
    correlation_id = _correlation_id()
    request = ClientBatchPipelineRequestV1(
        batch_id=batch_id,
        requested_pipeline=pipeline.value,
        client_correlation_id=str(correlation_id),
        user_id=user.user_id,
    )
    try:
        await publisher.publish(request, correlation_id)
    except EventBusUnavailableError:
        raise GatewayError(
            503,
            ErrorCode.SERVICE_UNAVAILABLE,
            "the event bus (Kafka) is unavailable; the pipeline was not requested — retry later",
            {"dependency": "kafka"},
        ) from None
    return PipelineAcceptedResponse(batch_id=batch_id, correlation_id=str(correlation_id))


@router.get(
    "/batches/{batch_id}/status",
    response_class=Response,
    response_model=None,
    responses={200: {"model": BatchStatusView}, **error_responses(401, 404, 429, 502, 503)},
    summary="The caller's batch: client status, phases, essays",
)
async def batch_status(batch_id: BatchId, user: Reader, ras: FromDishka[RasClient]) -> Response:
    set_batch(batch_id)
    return Response(await ras.batch_status(batch_id, user.user_id), media_type=_JSON)


@router.get(
    "/batches",
    response_class=Response,
    response_model=None,
    responses={200: {"model": BatchListView}, **error_responses(400, 401, 429, 502, 503)},
    summary="The caller's batches, newest first, paginated",
)
async def list_batches(
    user: Reader,
    ras: FromDishka[RasClient],
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Batches to skip.")] = 0,
    status: Annotated[BatchClientStatus | None, Query(description="Only this status.")] = None,
) -> Response:
    body = await ras.user_batches(
        user.user_id, limit=limit, offset=offset, status=status.value if status else None
    )
    return Response(body, media_type=_JSON)


@router.get(
    "/batches/{batch_id}/essays/{essay_id}",
    response_class=Response,
    response_model=None,
    responses={200: {"model": EssayResultView}, **error_responses(401, 404, 429, 502, 503)},
    summary="One essay of the caller's batch: corrected text and corrections",
)
async def essay_result(
    batch_id: BatchId, essay_id: EssayId, user: Reader, ras: FromDishka[RasClient]
) -> Response:
    set_batch(batch_id)
    return Response(await ras.essay(batch_id, essay_id, user.user_id), media_type=_JSON)
