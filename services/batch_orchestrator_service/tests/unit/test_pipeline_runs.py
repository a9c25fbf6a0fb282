"""The run state machine: start, next phase selection, final status and exact counts."""

from __future__ import annotations

import dataclasses

import pytest

from common_core.events.spellcheck import BatchServiceSpellcheckInitiateCommandDataV1
from common_core.pipeline_models import PhaseState
from common_core.status_enums import BatchStatus, Language, PhaseName, PipelineExecutionStatus
from services.batch_orchestrator_service.domain.phase_commands import PHASE_COMMANDS
from services.batch_orchestrator_service.domain.pipeline_requests import PIPELINE_RUN_FAILED
from services.batch_orchestrator_service.domain.pipeline_runs import (
    NO_ESSAYS_LEFT,
    OutcomeIgnored,
    PhaseAlreadyStartedError,
    RunStep,
    _start_phase,
    apply_outcome,
    final_status,
)

from .pipeline_factories import CJ, LATER, NOW, SPELLCHECK, outcome, ready_batch, run_of

S = PipelineExecutionStatus


def advanced(step: RunStep, *args: object, **kwargs: object) -> RunStep:
    event = outcome(step.run, *args, **kwargs)  # type: ignore[arg-type]
    result = apply_outcome(step.batch, step.run, event, now=LATER)
    assert isinstance(result, RunStep), result
    return result


def test_start_marks_the_batch_running_and_dispatches_the_first_phase() -> None:
    step = run_of(ready_batch(course_code="SV2"), SPELLCHECK, CJ)

    assert step.batch.status is BatchStatus.PROCESSING_PIPELINES
    assert step.batch.pipeline_state.active_pipeline_run_id == "run-1"
    assert step.batch.pipeline_state.last_pipeline_run_id == "run-1"
    assert step.completion is None
    start = step.phase_start
    assert start is not None and start.phase is SPELLCHECK
    assert start.dispatch.language is Language.SWEDISH
    assert [(e.essay_id, e.text_storage_id) for e in start.dispatch.essays] == [
        ("essay-1", "text-essay-1"),
        ("essay-2", "text-essay-2"),
        ("essay-3", "text-essay-3"),
    ]
    first, second = step.run.phases
    assert first.status is S.DISPATCH_INITIATED
    assert first.essay_counts.total == 3 and first.started_at == NOW
    assert second.status is S.PENDING_DEPENDENCIES


def test_the_phase_command_is_built_from_the_registry() -> None:
    start = run_of(ready_batch(), SPELLCHECK).phase_start
    assert start is not None

    command = start.command.build(start.dispatch)

    assert isinstance(command, BatchServiceSpellcheckInitiateCommandDataV1)
    assert command.language is Language.ENGLISH
    assert command.pipeline_run_id == "run-1"
    assert len(command.essays) == 3


def test_every_phase_a_pipeline_may_hold_has_a_command() -> None:
    assert {SPELLCHECK, CJ} <= set(PHASE_COMMANDS)


def test_all_pruned_completes_at_once_successfully() -> None:
    step = run_of(ready_batch(), pruned=(SPELLCHECK,))

    assert step.phase_start is None
    completion = step.completion
    assert completion is not None
    assert completion.final_status is S.COMPLETED_SUCCESSFULLY
    assert completion.phase_results == []
    assert (completion.successful_essay_count, completion.failed_essay_count) == (3, 0)
    assert step.batch.status is BatchStatus.COMPLETED_SUCCESSFULLY
    assert step.batch.pipeline_state.active_pipeline_run_id is None
    assert step.run.status is S.COMPLETED_SUCCESSFULLY


def test_outcome_starts_the_next_phase_with_the_succeeded_essays_and_their_texts() -> None:
    started = run_of(ready_batch(course_code="ENG6"), SPELLCHECK, CJ)

    step = advanced(started, SPELLCHECK, ["essay-1", "essay-3"], ["essay-2"])

    spellcheck, cj = step.run.phases
    assert spellcheck.status is S.COMPLETED_WITH_PARTIAL_SUCCESS
    assert (spellcheck.essay_counts.successful, spellcheck.essay_counts.failed) == (2, 1)
    assert spellcheck.completed_at == LATER
    assert cj.status is S.DISPATCH_INITIATED and cj.essay_counts.total == 2
    start = step.phase_start
    assert start is not None and start.phase is CJ
    assert [(e.essay_id, e.text_storage_id) for e in start.dispatch.essays] == [
        ("essay-1", "corrected-essay-1"),
        ("essay-3", "corrected-essay-3"),
    ]
    assert start.dispatch.essay_instructions == "Write about your summer."
    assert step.batch.pipeline_state.essay_texts == {
        "essay-1": "corrected-essay-1",
        "essay-3": "corrected-essay-3",
    }
    assert step.batch.pipeline_state.completed_phases == [SPELLCHECK]
    assert step.completion is None


def test_last_outcome_completes_with_exact_counts() -> None:
    started = run_of(ready_batch(4), SPELLCHECK, CJ)
    after_spellcheck = advanced(started, SPELLCHECK, ["essay-1", "essay-2", "essay-3"], ["essay-4"])

    step = advanced(after_spellcheck, CJ, ["essay-1", "essay-2"], ["essay-3"])

    completion = step.completion
    assert completion is not None and step.phase_start is None
    assert completion.final_status is S.COMPLETED_WITH_PARTIAL_SUCCESS
    assert (completion.successful_essay_count, completion.failed_essay_count) == (2, 2)
    assert [(r.phase, r.status, r.successful, r.failed) for r in completion.phase_results] == [
        (SPELLCHECK, S.COMPLETED_WITH_PARTIAL_SUCCESS, 3, 1),
        (CJ, S.COMPLETED_WITH_PARTIAL_SUCCESS, 2, 1),
    ]
    assert step.batch.status is BatchStatus.COMPLETED_WITH_FAILURES
    assert step.batch.pipeline_state.active_pipeline_run_id is None
    assert step.run.status is S.COMPLETED_WITH_PARTIAL_SUCCESS and step.run.completed_at == LATER


def test_every_essay_succeeding_completes_successfully() -> None:
    started = run_of(ready_batch(), SPELLCHECK)

    step = advanced(started, SPELLCHECK, ["essay-1", "essay-2", "essay-3"])

    assert step.completion is not None
    assert step.completion.final_status is S.COMPLETED_SUCCESSFULLY
    assert step.completion.successful_essay_count == 3
    assert step.batch.status is BatchStatus.COMPLETED_SUCCESSFULLY


def test_a_phase_leaving_no_essay_fails_the_run_without_starting_the_rest() -> None:
    started = run_of(ready_batch(2), SPELLCHECK, CJ)

    step = advanced(started, SPELLCHECK, [], ["essay-1", "essay-2"])

    assert step.phase_start is None and step.completion is not None
    assert step.completion.final_status is S.FAILED
    assert (step.completion.successful_essay_count, step.completion.failed_essay_count) == (0, 2)
    cj = step.run.phase_state(CJ)
    assert cj.status is S.FAILED and cj.error is not None and cj.error.code == NO_ESSAYS_LEFT
    assert step.batch.status is BatchStatus.FAILED
    assert step.batch.status_reason == PIPELINE_RUN_FAILED
    assert step.batch.pipeline_state.completed_phases == []


def test_cj_first_in_a_run_reads_the_texts_of_an_earlier_spellcheck() -> None:
    first = advanced(run_of(ready_batch(2), SPELLCHECK), SPELLCHECK, ["essay-1"], ["essay-2"])
    finished = dataclasses.replace(first.batch, status=BatchStatus.COMPLETED_WITH_FAILURES)

    step = run_of(finished, CJ, pruned=(SPELLCHECK,))

    start = step.phase_start
    assert start is not None and start.phase is CJ
    assert [(e.essay_id, e.text_storage_id) for e in start.dispatch.essays] == [
        ("essay-1", "corrected-essay-1"),
        ("essay-2", "text-essay-2"),
    ]
    assert step.run.pruned_phases == [SPELLCHECK]


def test_spellcheck_always_reads_the_uploaded_text() -> None:
    first = advanced(run_of(ready_batch(1), SPELLCHECK), SPELLCHECK, ["essay-1"])

    again = run_of(first.batch, SPELLCHECK).phase_start

    assert again is not None
    assert again.dispatch.essays[0].text_storage_id == "text-essay-1"


def test_a_redelivered_outcome_changes_nothing() -> None:
    started = run_of(ready_batch(), SPELLCHECK, CJ)
    step = advanced(started, SPELLCHECK, ["essay-1", "essay-2", "essay-3"])

    again = apply_outcome(
        step.batch, step.run, outcome(step.run, SPELLCHECK, ["essay-1"]), now=LATER
    )

    assert isinstance(again, OutcomeIgnored)
    assert "not awaiting" in again.note


def test_an_outcome_of_a_phase_not_yet_started_is_ignored() -> None:
    started = run_of(ready_batch(), SPELLCHECK, CJ)

    result = apply_outcome(started.batch, started.run, outcome(started.run, CJ, []), now=LATER)

    assert isinstance(result, OutcomeIgnored)


def test_an_outcome_of_a_phase_outside_the_run_is_ignored() -> None:
    started = run_of(ready_batch(), CJ, pruned=(SPELLCHECK,))

    result = apply_outcome(
        started.batch, started.run, outcome(started.run, SPELLCHECK, ["essay-1"]), now=LATER
    )

    assert isinstance(result, OutcomeIgnored)


def test_an_outcome_for_a_run_that_is_no_longer_active_is_ignored() -> None:
    started = run_of(ready_batch(), SPELLCHECK)
    superseded = started.batch.pipeline_state.model_copy(update={"active_pipeline_run_id": "run-2"})
    batch = dataclasses.replace(started.batch, pipeline_state=superseded)

    result = apply_outcome(
        batch, started.run, outcome(started.run, SPELLCHECK, ["essay-1"]), now=LATER
    )

    assert isinstance(result, OutcomeIgnored)
    assert "run-1" in result.note


def test_a_phase_is_never_dispatched_twice() -> None:
    step = run_of(ready_batch(), SPELLCHECK)

    with pytest.raises(PhaseAlreadyStartedError):
        _start_phase(step.batch, step.run, SPELLCHECK, (), now=LATER)


def test_counts_never_exceed_the_essays_dispatched() -> None:
    started = run_of(ready_batch(2), SPELLCHECK)

    step = advanced(started, SPELLCHECK, ["essay-1", "essay-2", "essay-9"], ["essay-1"])

    counts = step.run.phase_state(SPELLCHECK).essay_counts
    assert (counts.total, counts.successful, counts.failed) == (2, 2, 0)


@pytest.mark.parametrize(
    ("statuses", "successful", "total", "expected"),
    [
        ([S.COMPLETED_SUCCESSFULLY], 3, 3, S.COMPLETED_SUCCESSFULLY),
        ([S.COMPLETED_SUCCESSFULLY, S.COMPLETED_SUCCESSFULLY], 3, 3, S.COMPLETED_SUCCESSFULLY),
        ([S.COMPLETED_WITH_PARTIAL_SUCCESS], 2, 3, S.COMPLETED_WITH_PARTIAL_SUCCESS),
        ([S.FAILED], 0, 3, S.FAILED),
        ([S.COMPLETED_SUCCESSFULLY, S.FAILED], 0, 3, S.FAILED),
        ([], 3, 3, S.COMPLETED_SUCCESSFULLY),
    ],
)
def test_final_status(
    statuses: list[PipelineExecutionStatus],
    successful: int,
    total: int,
    expected: PipelineExecutionStatus,
) -> None:
    phases = [
        PhaseState(phase=name, status=status)
        for name, status in zip(PhaseName, statuses, strict=False)
    ]

    assert final_status(phases, successful=successful, total=total) is expected
