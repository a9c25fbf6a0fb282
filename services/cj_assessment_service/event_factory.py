"""The events the CJ service emits, with ids deterministic per (event, pipeline run, batch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events import CJAssessmentCompletedV1, CJAssessmentFailedV1, CJRanking
from common_core.events.envelope import EventEnvelope
from common_core.identity import deterministic_event_id

from .domain.bradley_terry import RankedEssay

_E = ProcessingEvent


class CJEventFactory:
    def __init__(self, service_name: str) -> None:
        self._service = service_name

    def completed(
        self,
        *,
        batch_id: str,
        pipeline_run_id: str,
        ranking: Sequence[RankedEssay],
        comparison_count: int,
        judge: str,
        correlation_id: UUID,
    ) -> EventEnvelope[Any]:
        data = CJAssessmentCompletedV1(
            batch_id=batch_id,
            pipeline_run_id=pipeline_run_id,
            rankings=[
                CJRanking(essay_id=r.essay_id, rank=r.rank, score=round(r.score, 6))
                for r in ranking
            ],
            comparison_count=comparison_count,
            judge=judge,
        )
        return self._build(
            _E.CJ_ASSESSMENT_COMPLETED, data, batch_id, pipeline_run_id, correlation_id
        )

    def failed(
        self,
        *,
        batch_id: str,
        pipeline_run_id: str,
        reason: str,
        message: str,
        correlation_id: UUID,
    ) -> EventEnvelope[Any]:
        data = CJAssessmentFailedV1(
            batch_id=batch_id, pipeline_run_id=pipeline_run_id, reason=reason, message=message
        )
        return self._build(_E.CJ_ASSESSMENT_FAILED, data, batch_id, pipeline_run_id, correlation_id)

    def _build(
        self,
        event: ProcessingEvent,
        data: CJAssessmentCompletedV1 | CJAssessmentFailedV1,
        batch_id: str,
        pipeline_run_id: str,
        correlation_id: UUID,
    ) -> EventEnvelope[Any]:
        event_id = deterministic_event_id(event, batch_id=batch_id, pipeline_run_id=pipeline_run_id)
        return build_envelope(
            event,
            data,
            source_service=self._service,
            correlation_id=correlation_id,
            event_id=event_id,
        )
