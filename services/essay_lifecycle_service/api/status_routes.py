"""``GET /v1/essays/{essay_id}/status``, ``.../timeline`` and ``GET /v1/batches/{id}/status``.

An essay's status and timeline list its phase results (one per phase run it took part in:
outcome, the text the phase produced, and the phase's figures such as the correction count,
rank and score).

Essay ids are unique within a batch; should two batches use the same id, ``?batch_id=`` picks
one and without it the answer is 409 listing the batches.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dishka import FromDishka
from quart import Blueprint, request
from quart_dishka import inject

from huleedu_service_libs.api_errors import ApiError, ErrorCode
from services.essay_lifecycle_service.implementations.status_queries import (
    PhaseResultView,
    StatusQueries,
)
from services.essay_lifecycle_service.models_db import Essay

status_bp = Blueprint("els_status", __name__)


async def _one_essay(queries: StatusQueries, essay_id: str) -> Essay:
    batch_id = request.args.get("batch_id") or None
    essays = await queries.essays_with_id(essay_id, batch_id)
    if not essays:
        details = {"essay_id": essay_id, **({"batch_id": batch_id} if batch_id else {})}
        raise ApiError(404, ErrorCode.NOT_FOUND, "essay not found", details)
    if len(essays) > 1:
        raise ApiError(
            409,
            ErrorCode.CONFLICT,
            "several batches have an essay with this id; pass ?batch_id=",
            {"essay_id": essay_id, "batch_ids": [essay.batch_id for essay in essays]},
        )
    return essays[0]


def _essay_body(essay: Essay) -> dict[str, Any]:
    failure = None
    if essay.failure_reason_code is not None:
        failure = {"reason_code": essay.failure_reason_code, "message": essay.failure_message}
    return {
        "essay_id": essay.essay_id,
        "batch_id": essay.batch_id,
        "status": essay.status,
        "content_assigned": essay.file_upload_id is not None,
        "file_upload_id": essay.file_upload_id,
        "original_file_name": essay.original_file_name,
        "text_storage_id": essay.text_storage_id,
        "student_name": essay.student_name,
        "student_email": essay.student_email,
        "failure": failure,
        "updated_at": essay.updated_at.isoformat(),
    }


def _phase_result_body(view: PhaseResultView) -> dict[str, Any]:
    body = asdict(view)
    body["started_at"] = view.started_at.isoformat()
    body["recorded_at"] = view.recorded_at.isoformat() if view.recorded_at else None
    return body


async def _phase_results(queries: StatusQueries, essay: Essay) -> list[dict[str, Any]]:
    views = await queries.phase_results(essay.batch_id, essay.essay_id)
    return [_phase_result_body(view) for view in views]


@status_bp.get("/v1/essays/<essay_id>/status")
@inject
async def essay_status(essay_id: str, queries: FromDishka[StatusQueries]) -> dict[str, Any]:
    essay = await _one_essay(queries, essay_id)
    return {**_essay_body(essay), "phase_results": await _phase_results(queries, essay)}


@status_bp.get("/v1/essays/<essay_id>/timeline")
@inject
async def essay_timeline(essay_id: str, queries: FromDishka[StatusQueries]) -> dict[str, Any]:
    essay = await _one_essay(queries, essay_id)
    transitions = await queries.timeline(essay.batch_id, essay.essay_id)
    return {
        "essay_id": essay.essay_id,
        "batch_id": essay.batch_id,
        "status": essay.status,
        "transitions": [{**asdict(item), "at": item.at.isoformat()} for item in transitions],
        "phase_results": await _phase_results(queries, essay),
    }


@status_bp.get("/v1/batches/<batch_id>/status")
@inject
async def batch_status(batch_id: str, queries: FromDishka[StatusQueries]) -> dict[str, Any]:
    view = await queries.batch_status(batch_id)
    if view is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, "batch not found", {"batch_id": batch_id})
    body = asdict(view)
    body["readiness_deadline"] = view.readiness_deadline.isoformat()
    body["completed_at"] = view.completed_at.isoformat() if view.completed_at else None
    body["timed_out_at"] = view.timed_out_at.isoformat() if view.timed_out_at else None
    return body
