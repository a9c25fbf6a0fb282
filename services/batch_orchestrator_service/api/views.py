"""JSON views of a batch for the public status route and the internal pipeline-state route."""

from __future__ import annotations

from typing import Any

from common_core.pipeline_models import ProcessingPipelineState

from ..domain.batch import Batch
from ..domain.language import infer_language


def pipeline_state_view(
    batch: Batch, latest_run: ProcessingPipelineState | None = None
) -> dict[str, Any]:
    """The pipeline state callers act on: the batch status, whether a pipeline is running and
    whether files may still be added, the batch-level bookkeeping and the latest run."""
    state = batch.pipeline_state
    return {
        "batch_status": batch.status.value,
        "pipeline_running": batch.pipeline_running,
        "accepts_files": batch.accepts_files,
        "active_pipeline_run_id": state.active_pipeline_run_id,
        "queued_pipeline": state.queued_pipeline,
        "completed_phases": [phase.value for phase in state.completed_phases],
        "latest_run": latest_run.model_dump(mode="json") if latest_run else None,
    }


def internal_pipeline_state_view(
    batch: Batch, latest_run: ProcessingPipelineState | None = None
) -> dict[str, Any]:
    """`GET /internal/v1/batches/{batch_id}/pipeline-state`."""
    return {
        "batch_id": batch.batch_id,
        "user_id": batch.user_id,
        "batch_status": batch.status.value,
        "pipeline_state": pipeline_state_view(batch, latest_run),
    }


def batch_status_view(
    batch: Batch, latest_run: ProcessingPipelineState | None = None
) -> dict[str, Any]:
    """`GET /v1/batches/{batch_id}/status`: the registered context and where the batch stands."""
    context = batch.context
    return {
        "batch_id": batch.batch_id,
        "user_id": batch.user_id,
        "status": batch.status.value,
        "status_reason": batch.status_reason,
        "context": {
            "course_code": context.course_code.value,
            "language": infer_language(context.course_code).value,
            "class_designation": context.class_designation,
            "essay_instructions": context.essay_instructions,
            "expected_essay_count": context.expected_essay_count,
        },
        "essay_ids": list(batch.essay_ids),
        "readiness_deadline": batch.readiness_deadline.isoformat(),
        "ready_essay_count": batch.ready_essay_count,
        "essays": [essay.model_dump(mode="json") for essay in batch.essays],
        "failed_files": [failed.model_dump(mode="json") for failed in batch.failed_files],
        "missing_essay_ids": list(batch.missing_essay_ids),
        "pipeline_state": pipeline_state_view(batch, latest_run),
        "created_at": batch.created_at.isoformat(),
        "updated_at": batch.updated_at.isoformat(),
    }
