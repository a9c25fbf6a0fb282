"""The comparative-judgement phase: one request for the whole run, one result for it.

A completed assessment ranks essays (each ranked essay succeeds with its rank and score;
an essay it leaves out fails); a failed assessment fails every essay of the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from common_core.event_enums import ProcessingEvent
from common_core.events.base import EssayTextRef
from common_core.events.cj_assessment import (
    BatchServiceCJAssessmentInitiateCommandDataV1,
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    CJEssayInput,
    ELSCJAssessmentRequestV1,
)
from common_core.identity import deterministic_event_id
from common_core.status_enums import PhaseName
from services.essay_lifecycle_service.domain.essay_states import CJ_ASSESSMENT, PhaseStates
from services.essay_lifecycle_service.domain.phase_runs import EssayOutcome
from services.essay_lifecycle_service.phases.base import (
    OutgoingEvent,
    PhaseCommand,
    PhaseResults,
    PriorDetails,
    distinct_essays,
)

_E = ProcessingEvent
NOT_RANKED = "not_ranked: the assessment returned no ranking for this essay"


class CJAssessmentPhase:
    states: PhaseStates = CJ_ASSESSMENT
    command_event = _E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND
    result_events = (_E.CJ_ASSESSMENT_COMPLETED, _E.CJ_ASSESSMENT_FAILED)
    reads_results_of: PhaseName | None = PhaseName.SPELLCHECK

    def command(self, data: BatchServiceCJAssessmentInitiateCommandDataV1) -> PhaseCommand:
        return PhaseCommand(
            batch_id=data.batch_id,
            pipeline_run_id=data.pipeline_run_id,
            phase=PhaseName.CJ_ASSESSMENT,
            language=data.language,
            essays=distinct_essays(data.essays),
            essay_instructions=data.essay_instructions,
        )

    def results(self, data: CJAssessmentCompletedV1 | CJAssessmentFailedV1) -> PhaseResults:
        if isinstance(data, CJAssessmentFailedV1):
            return PhaseResults(
                batch_id=data.batch_id,
                pipeline_run_id=data.pipeline_run_id,
                phase=PhaseName.CJ_ASSESSMENT,
                outcomes=(),
                rest_failed_with=f"{data.reason}: {data.message}",
            )
        outcomes = tuple(
            EssayOutcome(
                essay_id=ranking.essay_id,
                succeeded=True,
                details={
                    "rank": ranking.rank,
                    "score": ranking.score,
                    "comparison_count": data.comparison_count,
                    "judge": data.judge,
                },
            )
            for ranking in data.rankings
        )
        return PhaseResults(
            batch_id=data.batch_id,
            pipeline_run_id=data.pipeline_run_id,
            phase=PhaseName.CJ_ASSESSMENT,
            outcomes=outcomes,
            rest_failed_with=NOT_RANKED,
        )

    def requests(
        self, command: PhaseCommand, essays: Sequence[EssayTextRef], prior: PriorDetails
    ) -> list[OutgoingEvent]:
        if command.essay_instructions is None:
            raise ValueError("a CJ assessment command carries essay_instructions")
        data = ELSCJAssessmentRequestV1(
            batch_id=command.batch_id,
            pipeline_run_id=command.pipeline_run_id,
            language=command.language,
            essay_instructions=command.essay_instructions,
            essays=[_essay_input(essay, prior.get(essay.essay_id, {})) for essay in essays],
        )
        event_id = deterministic_event_id(
            _E.ELS_CJ_ASSESSMENT_REQUESTED,
            batch_id=command.batch_id,
            pipeline_run_id=command.pipeline_run_id,
        )
        return [OutgoingEvent(_E.ELS_CJ_ASSESSMENT_REQUESTED, data, event_id)]


def _essay_input(essay: EssayTextRef, spellcheck: Mapping[str, Any]) -> CJEssayInput:
    rate = spellcheck.get("spelling_error_rate")
    return CJEssayInput(
        essay_id=essay.essay_id,
        text_storage_id=essay.text_storage_id,
        spelling_error_rate=float(rate) if rate is not None else None,
    )
