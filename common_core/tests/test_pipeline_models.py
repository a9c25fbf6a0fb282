"""ProcessingPipelineState: ordering, lookups, invariants."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from common_core.pipeline_models import EssayCounts, PhaseState, ProcessingPipelineState
from common_core.status_enums import PhaseName, PipelineExecutionStatus
from common_core.testing.model_examples import (
    example_failed_pipeline_state,
    example_pipeline_state,
)

S = PipelineExecutionStatus


def test_phases_keep_execution_order() -> None:
    state = example_pipeline_state()
    assert state.phase_names == [PhaseName.SPELLCHECK, PhaseName.CJ_ASSESSMENT]


def test_next_phase_is_first_unfinished_one() -> None:
    state = example_pipeline_state()
    next_phase = state.next_phase()
    assert next_phase is not None
    assert next_phase.phase is PhaseName.CJ_ASSESSMENT
    assert not state.is_finished


def test_run_is_finished_when_every_phase_is_terminal() -> None:
    state = example_pipeline_state()
    state.phase_state(PhaseName.CJ_ASSESSMENT).status = S.COMPLETED_SUCCESSFULLY
    assert state.next_phase() is None
    assert state.is_finished
    assert example_failed_pipeline_state().is_finished


def test_phase_state_of_unknown_phase_raises_key_error() -> None:
    with pytest.raises(KeyError, match="nlp"):
        example_pipeline_state().phase_state(PhaseName.NLP)


def test_phase_may_not_appear_twice() -> None:
    with pytest.raises(ValidationError):
        ProcessingPipelineState(
            batch_id="b1",
            pipeline_run_id="r1",
            requested_pipeline="spellcheck",
            phases=[PhaseState(phase=PhaseName.SPELLCHECK)],
            pruned_phases=[PhaseName.SPELLCHECK],
        )


def test_essay_counts_outcomes_never_exceed_total() -> None:
    counts = EssayCounts(total=3, successful=1, failed=1)
    assert counts.pending == 1
    with pytest.raises(ValidationError):
        EssayCounts(total=1, successful=1, failed=1)
    with pytest.raises(ValidationError):
        counts.successful = 5


def test_assignment_is_validated() -> None:
    state = example_pipeline_state()
    with pytest.raises(ValidationError):
        state.status = "nearly_done"  # type: ignore[assignment]


def test_new_state_defaults() -> None:
    state = ProcessingPipelineState(
        batch_id="b1", pipeline_run_id="r1", requested_pipeline="spellcheck"
    )
    assert state.status is S.REQUESTED
    assert state.phases == []
    assert state.requested_at.utcoffset() is not None
    assert PhaseState(phase=PhaseName.SPELLCHECK).status is S.PENDING_DEPENDENCIES
