"""The envelopes BOS emits while orchestrating pipelines (all go out through the outbox).

Events with a natural identity (a run's start, a phase's command, a run's completion) get a
deterministic event id, so a re-sent one keeps its id.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events.base import EventData
from common_core.events.envelope import EventEnvelope
from common_core.events.pipeline import (
    BatchPhaseStartedV1,
    BatchPipelineStartedV1,
    PipelineRequestRejectedV1,
)
from common_core.identity import deterministic_event_id
from common_core.pipeline_models import ProcessingPipelineState

from .domain.pipeline_requests import Reject
from .domain.pipeline_runs import RunStep

_E = ProcessingEvent
Envelope = EventEnvelope[Any]


class PipelineEvents:
    """Builds the orchestration events of one service (its name is their source)."""

    def __init__(self, service_name: str) -> None:
        self._service = service_name

    def rejected(
        self,
        *,
        batch_id: str,
        user_id: str,
        requested_pipeline: str,
        rejection: Reject,
        correlation_id: UUID,
    ) -> Envelope:
        data = PipelineRequestRejectedV1(
            batch_id=batch_id,
            user_id=user_id,
            requested_pipeline=requested_pipeline,
            reason_code=rejection.reason,
            message=rejection.message,
        )
        return self._envelope(_E.PIPELINE_REQUEST_REJECTED, data, correlation_id)

    def run_started(self, run: ProcessingPipelineState, correlation_id: UUID) -> Envelope:
        data = BatchPipelineStartedV1(
            batch_id=run.batch_id,
            pipeline_run_id=run.pipeline_run_id,
            requested_pipeline=run.requested_pipeline,
            phases=run.phase_names,
            pruned_phases=list(run.pruned_phases),
        )
        event_id = self._run_event_id(_E.BATCH_PIPELINE_STARTED, run)
        return self._envelope(_E.BATCH_PIPELINE_STARTED, data, correlation_id, event_id)

    def step(self, step: RunStep, correlation_id: UUID) -> list[Envelope]:
        """The phase start (BatchPhaseStartedV1 + the phase command) and/or the completion."""
        envelopes: list[Envelope] = []
        run = step.run
        if step.phase_start is not None:
            start = step.phase_start
            started = BatchPhaseStartedV1(
                batch_id=run.batch_id,
                pipeline_run_id=run.pipeline_run_id,
                phase=start.phase,
                essay_count=len(start.dispatch.essays),
            )
            command = start.command.build(start.dispatch)
            command_id = self._run_event_id(start.command.event, run)
            envelopes.append(self._envelope(_E.BATCH_PHASE_STARTED, started, correlation_id))
            envelopes.append(
                self._envelope(start.command.event, command, correlation_id, command_id)
            )
        if step.completion is not None:
            completed = _E.BATCH_PIPELINE_COMPLETED
            completed_id = self._run_event_id(completed, run)
            envelopes.append(
                self._envelope(completed, step.completion, correlation_id, completed_id)
            )
        return envelopes

    @staticmethod
    def _run_event_id(event: ProcessingEvent, run: ProcessingPipelineState) -> UUID:
        return deterministic_event_id(
            event, batch_id=run.batch_id, pipeline_run_id=run.pipeline_run_id
        )

    def _envelope(
        self,
        event: ProcessingEvent,
        data: EventData,
        correlation_id: UUID,
        event_id: UUID | None = None,
    ) -> Envelope:
        return build_envelope(
            event,
            data,
            source_service=self._service,
            correlation_id=correlation_id,
            event_id=event_id,
        )
