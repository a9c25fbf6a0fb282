"""What each consumed event changes in the projection."""

from __future__ import annotations

from common_core.events.base import EssayTextRef
from common_core.events.cj_assessment import (
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    CJRanking,
)
from common_core.events.pipeline import BatchPipelineCompletedV1, ELSBatchPhaseOutcomeV1
from common_core.events.spellcheck import SpellcheckResultDataV1
from common_core.status_enums import Language, OutcomeStatus, PhaseName, PipelineExecutionStatus
from services.batch_conductor_service.domain.projection import (
    EssayResult,
    from_cj_completed,
    from_cj_failed,
    from_phase_outcome,
    from_pipeline_completed,
    from_spellcheck_result,
)

DONE = PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
PARTIAL = PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS
SPELLCHECK = PhaseName.SPELLCHECK


def outcome(
    status: PipelineExecutionStatus, processed: list[str], failed: list[str]
) -> ELSBatchPhaseOutcomeV1:
    return ELSBatchPhaseOutcomeV1(
        batch_id="b1",
        pipeline_run_id="run-1",
        phase_name=SPELLCHECK,
        phase_status=status,
        processed_essays=[EssayTextRef(essay_id=e, text_storage_id=f"t-{e}") for e in processed],
        failed_essay_ids=failed,
    )


def test_clean_outcome_completes_the_phase_for_its_essays() -> None:
    update = from_phase_outcome(outcome(DONE, ["e1", "e2"], []))

    assert update.completed_phase is SPELLCHECK
    assert update.completed_essay_ids == ("e1", "e2")
    assert update.phase_outcome is not None
    assert (update.phase_outcome.successful, update.phase_outcome.failed) == (2, 0)


def test_partial_outcome_records_results_but_completes_nothing() -> None:
    update = from_phase_outcome(outcome(PARTIAL, ["e1"], ["e2"]))

    assert update.completed_phase is None
    assert update.completed_essay_ids == ()
    assert update.essay_results == (
        EssayResult(SPELLCHECK, "e1", OutcomeStatus.SUCCESS),
        EssayResult(SPELLCHECK, "e2", OutcomeStatus.FAILED),
    )


def test_completed_status_with_failed_essays_is_not_clean() -> None:
    update = from_phase_outcome(outcome(DONE, ["e1"], ["e2"]))

    assert update.completed_phase is None


def test_spellcheck_result_is_a_per_essay_result_only() -> None:
    data = SpellcheckResultDataV1(
        batch_id="b1",
        pipeline_run_id="run-1",
        essay_id="e1",
        status=OutcomeStatus.FAILED,
        language=Language.ENGLISH,
        error="content missing",
    )

    update = from_spellcheck_result(data)

    assert update.essay_results == (EssayResult(SPELLCHECK, "e1", OutcomeStatus.FAILED),)
    assert update.completed_phase is None
    assert update.phase_outcome is None


def test_cj_completed_records_a_success_per_ranked_essay() -> None:
    data = CJAssessmentCompletedV1(
        batch_id="b1",
        pipeline_run_id="run-1",
        rankings=[
            CJRanking(essay_id="e1", rank=1, score=0.7),
            CJRanking(essay_id="e2", rank=2, score=-0.7),
        ],
        comparison_count=3,
        judge="mock",
    )

    update = from_cj_completed(data)

    assert [r.essay_id for r in update.essay_results] == ["e1", "e2"]
    assert {r.phase for r in update.essay_results} == {PhaseName.CJ_ASSESSMENT}
    assert update.completed_phase is None


def test_cj_failure_is_a_non_authoritative_phase_outcome_with_its_reason() -> None:
    data = CJAssessmentFailedV1(
        batch_id="b1", pipeline_run_id="run-1", reason="too_few_essays", message="Need two."
    )

    update = from_cj_failed(data)

    assert update.phase_outcome is not None
    assert update.phase_outcome.authoritative is False
    assert update.phase_outcome.status is PipelineExecutionStatus.FAILED
    assert update.phase_outcome.reason == "too_few_essays: Need two."


def test_pipeline_completed_records_the_run() -> None:
    data = BatchPipelineCompletedV1(
        batch_id="b1",
        pipeline_run_id="run-1",
        final_status=DONE,
        successful_essay_count=3,
        failed_essay_count=0,
    )

    update = from_pipeline_completed(data)

    assert update.pipeline_run is not None
    assert update.pipeline_run.final_status is DONE
    assert update.pipeline_run.successful_essay_count == 3
