"""The pure decisions of a phase run: which outcomes count, when it is settled, its outcome."""

from __future__ import annotations

import pytest

from common_core.status_enums import OutcomeStatus, PipelineExecutionStatus
from services.essay_lifecycle_service.domain.phase_runs import (
    EssayOutcome,
    RunEssay,
    SkipReason,
    phase_status,
    sort_outcomes,
    spelling_error_rate,
    summarise_run,
    unsettled_failures,
)

P = PipelineExecutionStatus
OK, FAILED = OutcomeStatus.SUCCESS, OutcomeStatus.FAILED


def essay(essay_id: str, outcome: OutcomeStatus | None = None, out: str | None = None):
    return RunEssay(essay_id, f"in-{essay_id}", outcome, out)


def test_the_first_outcome_of_a_waiting_essay_is_accepted() -> None:
    run = [essay("a"), essay("b")]
    result = sort_outcomes(run, [EssayOutcome("a", True, "out-a")])
    assert result.accepted == (EssayOutcome("a", True, "out-a"),)
    assert result.skipped == ()


def test_outcomes_for_other_settled_or_repeated_essays_are_skipped() -> None:
    run = [essay("a"), essay("b", FAILED)]
    result = sort_outcomes(
        run,
        [
            EssayOutcome("a", True),
            EssayOutcome("a", False, error="again"),
            EssayOutcome("b", True),
            EssayOutcome("x", True),
        ],
    )
    assert [o.essay_id for o in result.accepted] == ["a"]
    assert result.accepted[0].succeeded
    assert result.skipped == (
        ("a", SkipReason.REPEATED_IN_RESULT),
        ("b", SkipReason.ALREADY_RECORDED),
        ("x", SkipReason.UNKNOWN_ESSAY),
    )


def test_a_whole_run_result_fails_every_essay_it_does_not_name() -> None:
    run = [essay("a"), essay("b"), essay("c", OK), essay("d")]
    result = sort_outcomes(run, [EssayOutcome("b", True)], rest_failed_with="not_ranked")
    assert [(o.essay_id, o.succeeded, o.error) for o in result.accepted] == [
        ("b", True, None),
        ("a", False, "not_ranked"),
        ("d", False, "not_ranked"),
    ]


def test_unsettled_failures_cover_only_waiting_essays() -> None:
    run = [essay("a", OK), essay("b"), essay("c")]
    assert [(o.essay_id, o.succeeded, o.error) for o in unsettled_failures(run, "late")] == [
        ("b", False, "late"),
        ("c", False, "late"),
    ]


@pytest.mark.parametrize(
    ("successful", "failed", "status"),
    [
        (3, 0, P.COMPLETED_SUCCESSFULLY),
        (2, 1, P.COMPLETED_WITH_PARTIAL_SUCCESS),
        (0, 3, P.FAILED),
        (0, 0, P.FAILED),
    ],
)
def test_phase_status_follows_the_counts(
    successful: int, failed: int, status: PipelineExecutionStatus
) -> None:
    assert phase_status(successful, failed) is status


def test_a_run_with_a_waiting_essay_has_no_outcome_yet() -> None:
    assert summarise_run([essay("a", OK), essay("b")]) is None


def test_the_outcome_lists_the_next_text_of_each_success_in_run_order() -> None:
    run = [essay("a", OK, "out-a"), essay("b", FAILED), essay("c", OK)]
    summary = summarise_run(run)
    assert summary is not None
    assert summary.status is P.COMPLETED_WITH_PARTIAL_SUCCESS
    # A phase that does not change the text (CJ) passes its input on.
    assert summary.processed == (("a", "out-a"), ("c", "in-c"))
    assert summary.failed_essay_ids == ("b",)


def test_spelling_error_rate_needs_a_word_count() -> None:
    assert spelling_error_rate(3, 150) == pytest.approx(0.02)
    assert spelling_error_rate(0, 0) == 0.0
    assert spelling_error_rate(4, None) is None
