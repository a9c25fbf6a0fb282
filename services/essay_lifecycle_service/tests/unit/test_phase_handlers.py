"""The phase registry and the spellcheck and CJ handlers (pure: envelopes in, terms out)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from common_core.event_enums import ProcessingEvent
from common_core.events import (
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    CJRanking,
    EssayTextRef,
    SpellcheckResultDataV1,
)
from common_core.identity import deterministic_event_id
from common_core.status_enums import Language, OutcomeStatus, PhaseName
from common_core.testing.examples import example_envelope
from services.essay_lifecycle_service.domain.essay_states import SPELLCHECK
from services.essay_lifecycle_service.phases.base import PhaseCommand, PhaseRegistry
from services.essay_lifecycle_service.phases.cj_assessment import NOT_RANKED, CJAssessmentPhase
from services.essay_lifecycle_service.phases.registry import default_phase_registry
from services.essay_lifecycle_service.phases.spellcheck import SpellcheckPhase

E = ProcessingEvent
ESSAYS = (
    EssayTextRef(essay_id="e1", text_storage_id="t1"),
    EssayTextRef(essay_id="e2", text_storage_id="t2"),
)


def command(phase: PhaseName, instructions: str | None = "Write 300 words.") -> PhaseCommand:
    return PhaseCommand("b1", "run-1", phase, Language.SWEDISH, ESSAYS, instructions)


def test_the_default_registry_finds_each_phase_by_its_events() -> None:
    registry = default_phase_registry()
    assert registry.phases == (PhaseName.SPELLCHECK, PhaseName.CJ_ASSESSMENT)
    assert set(registry.command_events()) == {
        E.BATCH_SPELLCHECK_INITIATE_COMMAND,
        E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND,
    }
    assert set(registry.result_events()) == {
        E.SPELLCHECK_RESULT,
        E.CJ_ASSESSMENT_COMPLETED,
        E.CJ_ASSESSMENT_FAILED,
    }
    assert isinstance(registry.for_event(E.CJ_ASSESSMENT_FAILED), CJAssessmentPhase)


def test_a_phase_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        PhaseRegistry([SpellcheckPhase(), SpellcheckPhase()])


def test_a_phase_without_its_states_entry_is_refused() -> None:
    class Stray(SpellcheckPhase):
        states = replace(SPELLCHECK, phase=PhaseName.NLP)

    with pytest.raises(ValueError, match="no PhaseStates entry"):
        PhaseRegistry([Stray()])


def test_the_spellcheck_command_keeps_each_essay_once() -> None:
    envelope = example_envelope(E.BATCH_SPELLCHECK_INITIATE_COMMAND)
    data = envelope.data.model_copy(update={"essays": [*envelope.data.essays] * 2})
    parsed = SpellcheckPhase().command(data)
    assert parsed.essays == tuple(envelope.data.essays)
    assert (parsed.phase, parsed.language) == (PhaseName.SPELLCHECK, envelope.data.language)


def test_spellcheck_sends_one_request_per_essay_with_a_deterministic_id() -> None:
    requests = SpellcheckPhase().requests(command(PhaseName.SPELLCHECK), ESSAYS, {})
    assert [(r.data.essay_id, r.data.text_storage_id, r.data.language) for r in requests] == [
        ("e1", "t1", Language.SWEDISH),
        ("e2", "t2", Language.SWEDISH),
    ]
    assert requests[0].event_id == deterministic_event_id(
        E.ESSAY_SPELLCHECK_REQUESTED, batch_id="b1", pipeline_run_id="run-1", essay_id="e1"
    )


def spell_result(**changes: Any) -> SpellcheckResultDataV1:
    data: SpellcheckResultDataV1 = example_envelope(E.SPELLCHECK_RESULT).data
    return data.model_copy(update=changes)


def test_a_successful_spellcheck_result_keeps_the_corrected_text_and_figures() -> None:
    result = SpellcheckPhase().results(spell_result(correction_count=6, word_count=200))
    [outcome] = result.outcomes
    assert outcome.succeeded and outcome.output_text_storage_id == "txt-corrected-91c2"
    assert outcome.details == {
        "correction_count": 6,
        "word_count": 200,
        "spelling_error_rate": 0.03,
    }
    assert result.rest_failed_with is None


def test_a_failed_spellcheck_result_carries_its_error() -> None:
    failed = spell_result(
        status=OutcomeStatus.FAILED, corrected_text_storage_id=None, error="unsupported"
    )
    [outcome] = SpellcheckPhase().results(failed).outcomes
    assert (outcome.succeeded, outcome.error, outcome.output_text_storage_id) == (
        False,
        "unsupported",
        None,
    )


def test_cj_sends_one_request_with_the_spelling_error_rates_it_knows() -> None:
    prior = {"e1": {"spelling_error_rate": 0.05, "correction_count": 5}}
    [request] = CJAssessmentPhase().requests(command(PhaseName.CJ_ASSESSMENT), ESSAYS, prior)
    assert request.event == E.ELS_CJ_ASSESSMENT_REQUESTED
    assert [(e.essay_id, e.spelling_error_rate) for e in request.data.essays] == [
        ("e1", 0.05),
        ("e2", None),
    ]
    assert request.data.essay_instructions == "Write 300 words."


def test_cj_refuses_to_build_a_request_without_instructions() -> None:
    with pytest.raises(ValueError, match="essay_instructions"):
        CJAssessmentPhase().requests(command(PhaseName.CJ_ASSESSMENT, None), ESSAYS, {})


def test_a_completed_assessment_ranks_the_named_essays_and_fails_the_rest() -> None:
    data = CJAssessmentCompletedV1(
        batch_id="b1",
        pipeline_run_id="run-1",
        rankings=[CJRanking(essay_id="e2", rank=1, score=0.7)],
        comparison_count=4,
        judge="heuristic",
    )
    result = CJAssessmentPhase().results(data)
    [outcome] = result.outcomes
    assert (outcome.essay_id, outcome.succeeded, outcome.output_text_storage_id) == (
        "e2",
        True,
        None,
    )
    assert outcome.details["rank"] == 1 and outcome.details["score"] == 0.7
    assert result.rest_failed_with == NOT_RANKED


def test_a_failed_assessment_fails_the_whole_run_with_its_reason() -> None:
    data = CJAssessmentFailedV1(
        batch_id="b1", pipeline_run_id="run-1", reason="judge_down", message="No answer."
    )
    result = CJAssessmentPhase().results(data)
    assert result.outcomes == ()
    assert result.rest_failed_with == "judge_down: No answer."
