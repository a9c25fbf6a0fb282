"""The spellcheck phase: one request per essay, one result per essay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from common_core.event_enums import ProcessingEvent
from common_core.events.base import EssayTextRef
from common_core.events.spellcheck import (
    BatchServiceSpellcheckInitiateCommandDataV1,
    EssayLifecycleSpellcheckRequestV1,
    SpellcheckResultDataV1,
)
from common_core.identity import deterministic_event_id
from common_core.status_enums import OutcomeStatus, PhaseName
from services.essay_lifecycle_service.domain.essay_states import SPELLCHECK, PhaseStates
from services.essay_lifecycle_service.domain.phase_runs import EssayOutcome, spelling_error_rate
from services.essay_lifecycle_service.phases.base import (
    OutgoingEvent,
    PhaseCommand,
    PhaseResults,
    PriorDetails,
    distinct_essays,
)

_E = ProcessingEvent


class SpellcheckPhase:
    states: PhaseStates = SPELLCHECK
    command_event = _E.BATCH_SPELLCHECK_INITIATE_COMMAND
    result_events = (_E.SPELLCHECK_RESULT,)
    reads_results_of: PhaseName | None = None

    def command(self, data: BatchServiceSpellcheckInitiateCommandDataV1) -> PhaseCommand:
        return PhaseCommand(
            batch_id=data.batch_id,
            pipeline_run_id=data.pipeline_run_id,
            phase=PhaseName.SPELLCHECK,
            language=data.language,
            essays=distinct_essays(data.essays),
        )

    def results(self, data: SpellcheckResultDataV1) -> PhaseResults:
        return PhaseResults(
            batch_id=data.batch_id,
            pipeline_run_id=data.pipeline_run_id,
            phase=PhaseName.SPELLCHECK,
            outcomes=(_outcome(data),),
        )

    def requests(
        self, command: PhaseCommand, essays: Sequence[EssayTextRef], prior: PriorDetails
    ) -> list[OutgoingEvent]:
        return [_request(command, essay) for essay in essays]


def _outcome(data: SpellcheckResultDataV1) -> EssayOutcome:
    succeeded = data.status is OutcomeStatus.SUCCESS
    details: dict[str, Any] = {}
    if succeeded:
        details = {
            "correction_count": data.correction_count,
            "word_count": data.word_count,
            "spelling_error_rate": spelling_error_rate(data.correction_count, data.word_count),
        }
    return EssayOutcome(
        essay_id=data.essay_id,
        succeeded=succeeded,
        output_text_storage_id=data.corrected_text_storage_id if succeeded else None,
        details=details,
        error=None if succeeded else data.error,
    )


def _request(command: PhaseCommand, essay: EssayTextRef) -> OutgoingEvent:
    data = EssayLifecycleSpellcheckRequestV1(
        batch_id=command.batch_id,
        pipeline_run_id=command.pipeline_run_id,
        essay_id=essay.essay_id,
        text_storage_id=essay.text_storage_id,
        language=command.language,
    )
    event_id = deterministic_event_id(
        _E.ESSAY_SPELLCHECK_REQUESTED,
        batch_id=command.batch_id,
        pipeline_run_id=command.pipeline_run_id,
        essay_id=essay.essay_id,
    )
    return OutgoingEvent(_E.ESSAY_SPELLCHECK_REQUESTED, data, event_id)
