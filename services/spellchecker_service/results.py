"""Building the SpellcheckResultDataV1 envelope of one request (pure)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events.envelope import EventEnvelope
from common_core.events.spellcheck import (
    EssayLifecycleSpellcheckRequestV1,
    SpellcheckResultDataV1,
    SpellingCorrection,
)
from common_core.identity import deterministic_event_id
from common_core.status_enums import OutcomeStatus

from .spelling.corrector import CorrectedText


def result_event_id(request: EssayLifecycleSpellcheckRequestV1) -> UUID:
    """The id of the result of `request`: the same for a re-sent request, new for a re-run."""
    return deterministic_event_id(
        ProcessingEvent.SPELLCHECK_RESULT,
        batch_id=request.batch_id,
        pipeline_run_id=request.pipeline_run_id,
        essay_id=request.essay_id,
    )


def success_result(
    request: EssayLifecycleSpellcheckRequestV1, corrected: CorrectedText, storage_id: str
) -> SpellcheckResultDataV1:
    corrections = [
        SpellingCorrection(original=item.original, corrected=item.corrected, offset=item.offset)
        for item in corrected.corrections
    ]
    return SpellcheckResultDataV1(
        batch_id=request.batch_id,
        pipeline_run_id=request.pipeline_run_id,
        essay_id=request.essay_id,
        status=OutcomeStatus.SUCCESS,
        corrected_text_storage_id=storage_id,
        corrections=corrections,
        correction_count=len(corrections),
        word_count=corrected.word_count,
        language=request.language,
    )


def failed_result(request: EssayLifecycleSpellcheckRequestV1, error: str) -> SpellcheckResultDataV1:
    return SpellcheckResultDataV1(
        batch_id=request.batch_id,
        pipeline_run_id=request.pipeline_run_id,
        essay_id=request.essay_id,
        status=OutcomeStatus.FAILED,
        language=request.language,
        error=error,
    )


def result_envelope(
    request: EssayLifecycleSpellcheckRequestV1,
    result: SpellcheckResultDataV1,
    *,
    source_service: str,
    correlation_id: UUID,
) -> EventEnvelope[SpellcheckResultDataV1]:
    envelope: EventEnvelope[Any] = build_envelope(
        ProcessingEvent.SPELLCHECK_RESULT,
        result,
        source_service=source_service,
        correlation_id=correlation_id,
        event_id=result_event_id(request),
    )
    return envelope
