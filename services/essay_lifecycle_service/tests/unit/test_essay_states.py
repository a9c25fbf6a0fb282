"""The transition validator: intake, every phase generated alike, stale and invalid moves."""

from __future__ import annotations

import itertools

import pytest

from common_core.status_enums import EssayStatus, PhaseName
from services.essay_lifecycle_service.domain.essay_states import (
    CJ_ASSESSMENT,
    PHASES,
    SPELLCHECK,
    PhaseStates,
    TransitionValidator,
    Verdict,
    build_transition_graph,
)

S = EssayStatus
validator = TransitionValidator()


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.AWAITING_CONTENT, S.CONTENT_FAILED),
        (S.AWAITING_CONTENT, S.READY_FOR_PROCESSING),
        (S.READY_FOR_PROCESSING, S.AWAITING_SPELLCHECK),
        (S.READY_FOR_PROCESSING, S.AWAITING_CJ_ASSESSMENT),
        (S.SPELLCHECKED_SUCCESS, S.AWAITING_CJ_ASSESSMENT),
        (S.CJ_ASSESSMENT_SUCCESS, S.AWAITING_SPELLCHECK),  # a new pipeline run
        (S.ALL_PROCESSING_COMPLETED, S.AWAITING_SPELLCHECK),
        # A new run may retry a phase; within a run BOS passes only successes on.
        (S.SPELLCHECK_FAILED, S.AWAITING_SPELLCHECK),
        (S.SPELLCHECK_FAILED, S.AWAITING_CJ_ASSESSMENT),
        (S.CJ_ASSESSMENT_FAILED, S.AWAITING_CJ_ASSESSMENT),
        (S.CJ_ASSESSMENT_SUCCESS, S.ALL_PROCESSING_COMPLETED),
        (S.SPELLCHECKED_SUCCESS, S.ALL_PROCESSING_COMPLETED),
        (S.AWAITING_CONTENT, S.ESSAY_CRITICAL_FAILURE),
    ],
)
def test_valid_transitions_are_allowed(current: EssayStatus, target: EssayStatus) -> None:
    assert validator.verdict(current, target) is Verdict.ALLOWED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.AWAITING_CONTENT, S.AWAITING_SPELLCHECK),  # not ready yet
        (S.CONTENT_FAILED, S.READY_FOR_PROCESSING),  # a failed file never becomes usable
        (S.READY_FOR_PROCESSING, S.AWAITING_CONTENT),  # no way back
        (S.AWAITING_SPELLCHECK, S.SPELLCHECKED_SUCCESS),  # skipping "in progress"
        (S.CONTENT_FAILED, S.AWAITING_SPELLCHECK),  # unusable content is never processed
        (S.SPELLCHECKING_IN_PROGRESS, S.AWAITING_CJ_ASSESSMENT),  # one phase at a time
        (S.AWAITING_SPELLCHECK, S.AWAITING_CJ_ASSESSMENT),
        (S.SPELLCHECK_FAILED, S.ALL_PROCESSING_COMPLETED),  # only successes complete
        (S.ESSAY_CRITICAL_FAILURE, S.READY_FOR_PROCESSING),
    ],
)
def test_invalid_transitions_are_refused(current: EssayStatus, target: EssayStatus) -> None:
    assert validator.verdict(current, target) is Verdict.INVALID


def test_repeating_the_current_status_is_stale() -> None:
    for status in EssayStatus:
        assert validator.verdict(status, status) is Verdict.STALE


@pytest.mark.parametrize("phase", list(PHASES.values()), ids=lambda p: p.phase.value)
def test_every_phase_has_the_same_shape(phase: PhaseStates) -> None:
    path = [S.READY_FOR_PROCESSING, phase.awaiting, phase.in_progress, phase.success]
    for current, target in itertools.pairwise(path):
        assert validator.verdict(current, target) is Verdict.ALLOWED
    assert validator.verdict(phase.in_progress, phase.failed) is Verdict.ALLOWED
    assert validator.verdict(phase.awaiting, phase.failed) is Verdict.ALLOWED
    assert validator.verdict(phase.failed, phase.in_progress) is Verdict.INVALID
    assert validator.verdict(phase.success, phase.in_progress) is Verdict.INVALID


def test_phases_cover_spellcheck_and_cj() -> None:
    assert PHASES == {PhaseName.SPELLCHECK: SPELLCHECK, PhaseName.CJ_ASSESSMENT: CJ_ASSESSMENT}


def test_a_graph_without_phases_allows_intake_only() -> None:
    intake_only = TransitionValidator(build_transition_graph([]))
    assert intake_only.verdict(S.AWAITING_CONTENT, S.READY_FOR_PROCESSING) is Verdict.ALLOWED
    assert intake_only.verdict(S.READY_FOR_PROCESSING, S.AWAITING_SPELLCHECK) is Verdict.INVALID


def test_terminal_statuses_lead_nowhere() -> None:
    assert validator.allowed_targets(S.CONTENT_FAILED) == frozenset()
    assert validator.allowed_targets(S.ESSAY_CRITICAL_FAILURE) == frozenset()
