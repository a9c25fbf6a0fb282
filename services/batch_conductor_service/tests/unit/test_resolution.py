"""The pruning rule: complete phases are pruned unless a dependency must run again."""

from __future__ import annotations

from common_core.status_enums import PhaseName, PipelineExecutionStatus
from services.batch_conductor_service.domain.batch_state import (
    BatchState,
    PhaseProgress,
    PipelineRunSummary,
)
from services.batch_conductor_service.domain.resolution import analysis_summary, prune_completed

SPELLCHECK = PhaseName.SPELLCHECK
CJ = PhaseName.CJ_ASSESSMENT
ORDER = [SPELLCHECK, CJ]


def deps(phase: PhaseName) -> tuple[PhaseName, ...]:
    return (SPELLCHECK,) if phase is CJ else ()


def state(completed: dict[PhaseName, tuple[str, ...]], essays: tuple[str, ...]) -> BatchState:
    phases = {phase: PhaseProgress(completed_essay_ids=ids) for phase, ids in completed.items()}
    return BatchState(batch_id="b1", version=3, essay_ids=essays, phases=phases)


def test_nothing_complete_runs_everything_in_order() -> None:
    resolution = prune_completed(ORDER, deps, frozenset())

    assert resolution.final_pipeline == (SPELLCHECK, CJ)
    assert resolution.pruned_phases == ()


def test_complete_dependency_is_pruned_and_the_rest_runs() -> None:
    resolution = prune_completed(ORDER, deps, frozenset({SPELLCHECK}))

    assert resolution.final_pipeline == (CJ,)
    assert resolution.pruned_phases == (SPELLCHECK,)


def test_everything_complete_prunes_everything() -> None:
    resolution = prune_completed(ORDER, deps, frozenset({SPELLCHECK, CJ}))

    assert resolution.final_pipeline == ()
    assert resolution.pruned_phases == (SPELLCHECK, CJ)


def test_a_complete_phase_runs_again_when_its_dependency_runs() -> None:
    resolution = prune_completed(ORDER, deps, frozenset({CJ}))

    assert resolution.final_pipeline == (SPELLCHECK, CJ)
    assert resolution.pruned_phases == ()


def test_phase_is_complete_only_when_every_known_essay_completed_it() -> None:
    partial = state({SPELLCHECK: ("e1", "e2")}, essays=("e1", "e2", "e3"))
    full = state({SPELLCHECK: ("e1", "e2", "e3")}, essays=("e1", "e2", "e3"))

    assert partial.completed_phases() == frozenset()
    assert full.completed_phases() == frozenset({SPELLCHECK})
    assert not full.is_phase_complete(CJ)


def test_an_unknown_batch_has_no_complete_phase() -> None:
    assert BatchState(batch_id="never-seen").completed_phases() == frozenset()


def test_summary_reports_each_required_phase_and_the_last_run() -> None:
    run = PipelineRunSummary(
        pipeline_run_id="run-1",
        final_status=PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        successful_essay_count=2,
        failed_essay_count=0,
    )
    progress = PhaseProgress(
        completed_essay_ids=("e1", "e2"),
        successful_essays=2,
        last_outcome=PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
    )
    batch = BatchState(
        batch_id="b1",
        version=4,
        essay_ids=("e1", "e2"),
        phases={SPELLCHECK: progress},
        last_pipeline_run=run,
    )

    summary = analysis_summary(
        batch, requested_pipeline="cj_assessment", required_phases=ORDER, state_source="cache"
    )

    assert summary["required_phases"] == ["spellcheck", "cj_assessment"]
    assert summary["known_essay_count"] == 2
    assert summary["phases"]["spellcheck"] == {
        "complete": True,
        "completed_essays": 2,
        "successful_essays": 2,
        "failed_essays": 0,
        "last_outcome": "completed_successfully",
        "last_failure_reason": None,
    }
    assert summary["phases"]["cj_assessment"]["complete"] is False
    assert summary["last_pipeline_run"]["pipeline_run_id"] == "run-1"
    assert (summary["state_version"], summary["state_source"]) == (4, "cache")
