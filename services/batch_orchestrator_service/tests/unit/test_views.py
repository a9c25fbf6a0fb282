"""JSON views served by the status and internal pipeline-state routes."""

from __future__ import annotations

import dataclasses

from common_core.status_enums import BatchStatus, PhaseName
from services.batch_orchestrator_service.api.views import (
    batch_status_view,
    internal_pipeline_state_view,
)
from services.batch_orchestrator_service.domain.batch import PipelineState

from .factories import make_batch
from .pipeline_factories import ready_batch, run_of


def test_internal_view_has_owner_status_and_pipeline_state() -> None:
    batch = dataclasses.replace(
        make_batch(),
        status=BatchStatus.PROCESSING_PIPELINES,
        pipeline_state=PipelineState(active_pipeline_run_id="run-1"),
    )

    view = internal_pipeline_state_view(batch)

    assert view == {
        "batch_id": "batch-1",
        "user_id": "teacher-1",
        "batch_status": "processing_pipelines",
        "pipeline_state": {
            "batch_status": "processing_pipelines",
            "pipeline_running": True,
            "accepts_files": False,
            "active_pipeline_run_id": "run-1",
            "queued_pipeline": None,
            "completed_phases": [],
            "latest_run": None,
        },
    }


def test_views_show_the_latest_run_with_its_phases() -> None:
    step = run_of(ready_batch(), PhaseName.SPELLCHECK)

    view = internal_pipeline_state_view(step.batch, step.run)

    latest = view["pipeline_state"]["latest_run"]
    assert latest["pipeline_run_id"] == "run-1"
    assert latest["status"] == "in_progress"
    assert latest["phases"][0]["phase"] == "spellcheck"
    assert latest["phases"][0]["status"] == "dispatch_initiated"
    assert latest["phases"][0]["essay_counts"] == {"total": 3, "successful": 0, "failed": 0}
    assert batch_status_view(step.batch, step.run)["pipeline_state"]["latest_run"] == latest


def test_status_view_includes_context_language_and_iso_times() -> None:
    view = batch_status_view(make_batch(course_code="SV3"))

    assert view["status"] == "awaiting_content"
    assert view["context"]["course_code"] == "SV3"
    assert view["context"]["language"] == "sv"
    assert view["readiness_deadline"] == "2025-03-02T12:00:00+00:00"
    assert view["essay_ids"] == ["essay-1", "essay-2", "essay-3"]
