"""Batches and runs in the states the orchestration unit tests start from."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from common_core.events.base import EssayTextRef
from common_core.events.batch_coordination import ReadyEssay
from common_core.events.pipeline import ELSBatchPhaseOutcomeV1
from common_core.pipeline_models import ProcessingPipelineState
from common_core.status_enums import BatchStatus, PhaseName, PipelineExecutionStatus
from services.batch_orchestrator_service.domain.batch import Batch
from services.batch_orchestrator_service.domain.pipeline_runs import (
    PipelineResolution,
    RunStep,
    new_run,
    start_run,
)

from .factories import NOW, make_batch

LATER = NOW + timedelta(minutes=1)
SPELLCHECK = PhaseName.SPELLCHECK
CJ = PhaseName.CJ_ASSESSMENT


def ready_essay(essay_id: str) -> ReadyEssay:
    return ReadyEssay(
        essay_id=essay_id,
        file_upload_id=f"upload-{essay_id}",
        original_file_name=f"{essay_id}.txt",
        text_storage_id=f"text-{essay_id}",
    )


def ready_batch(essay_count: int = 3, **overrides: Any) -> Batch:
    batch = make_batch(**overrides)
    essays = tuple(ready_essay(f"essay-{n}") for n in range(1, essay_count + 1))
    return dataclasses.replace(
        batch,
        status=BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        essays=essays,
        ready_essay_count=len(essays),
    )


def run_of(batch: Batch, *phases: PhaseName, pruned: tuple[PhaseName, ...] = ()) -> RunStep:
    resolution = PipelineResolution(final_pipeline=phases, pruned_phases=pruned)
    run = new_run(batch, "pipeline", resolution, run_id="run-1", now=NOW)
    return start_run(batch, run, now=NOW)


def outcome(
    run: ProcessingPipelineState,
    phase: PhaseName,
    succeeded: Sequence[str],
    failed: Sequence[str] = (),
    *,
    status: PipelineExecutionStatus | None = None,
    text_prefix: str = "corrected",
) -> ELSBatchPhaseOutcomeV1:
    if status is None:
        status = _phase_status(succeeded, failed)
    return ELSBatchPhaseOutcomeV1(
        batch_id=run.batch_id,
        pipeline_run_id=run.pipeline_run_id,
        phase_name=phase,
        phase_status=status,
        processed_essays=[
            EssayTextRef(essay_id=essay_id, text_storage_id=f"{text_prefix}-{essay_id}")
            for essay_id in succeeded
        ],
        failed_essay_ids=list(failed),
    )


def _phase_status(succeeded: Sequence[str], failed: Sequence[str]) -> PipelineExecutionStatus:
    if not failed:
        return PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
    if succeeded:
        return PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS
    return PipelineExecutionStatus.FAILED
