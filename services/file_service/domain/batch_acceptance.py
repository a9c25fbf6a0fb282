"""Whether a batch, as BOS describes it, takes uploads from a given user.

BOS answers ``GET /internal/v1/batches/{id}/pipeline-state`` with ``{batch_id, user_id,
batch_status, pipeline_state: {pipeline_running, accepts_files, active_pipeline_run_id, ...}}``.
BOS is the source of truth; this module only reads its answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from common_core.status_enums import BatchStatus


class Acceptance(StrEnum):
    ACCEPTS_FILES = "accepts_files"
    NOT_FOUND = "not_found"
    PIPELINE_RUNNING = "pipeline_running"
    CLOSED = "closed"


@dataclass(frozen=True)
class BatchVerdict:
    acceptance: Acceptance
    batch_status: str | None = None


def _pipeline_running(batch_status: object, pipeline: Mapping[str, Any]) -> bool:
    return (
        batch_status == BatchStatus.PROCESSING_PIPELINES.value
        or pipeline.get("pipeline_running") is True
        or bool(pipeline.get("active_pipeline_run_id"))
    )


def assess_batch(state: Mapping[str, Any] | None, user_id: str) -> BatchVerdict:
    """The verdict on an upload by ``user_id`` to the batch BOS described as ``state``
    (``None`` when BOS does not know the batch). Another user's batch is reported as not
    found, so that its existence is not revealed."""
    if state is None or state.get("user_id") != user_id:
        return BatchVerdict(Acceptance.NOT_FOUND)
    batch_status = state.get("batch_status")
    status_text = batch_status if isinstance(batch_status, str) else None
    pipeline = state.get("pipeline_state")
    pipeline = pipeline if isinstance(pipeline, Mapping) else {}
    if _pipeline_running(batch_status, pipeline):
        return BatchVerdict(Acceptance.PIPELINE_RUNNING, status_text)
    if pipeline.get("accepts_files") is False:
        return BatchVerdict(Acceptance.CLOSED, status_text)
    return BatchVerdict(Acceptance.ACCEPTS_FILES, status_text)
