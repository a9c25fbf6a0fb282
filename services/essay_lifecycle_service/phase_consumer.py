"""The worker's phase topics: each phase's command and result events, and pipeline completion,
adapted from envelopes onto the phase machinery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common_core.event_enums import ProcessingEvent
from common_core.events import BatchPipelineCompletedV1
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import ConsumedRecord, Handler
from huleedu_service_libs.logging import bind_context
from services.essay_lifecycle_service.phase_service import Consumed, PhaseService
from services.essay_lifecycle_service.phases.base import PhaseHandler, PhaseRegistry


def consumed(event: ProcessingEvent, envelope: EventEnvelope[Any]) -> Consumed:
    """The processed-events identity of an envelope (one consumer name per event kind)."""
    return Consumed(event.value, envelope.event_id, envelope.correlation_id)


class PhaseEventHandlers:
    """One handler per phase command and result event of the registry, plus
    BatchPipelineCompletedV1 (which finishes the essays of a run)."""

    def __init__(self, phases: PhaseService, registry: PhaseRegistry) -> None:
        self._phases = phases
        self._registry = registry

    def routes(self) -> Mapping[ProcessingEvent, Handler]:
        routes: dict[ProcessingEvent, Handler] = {}
        for event, handler in self._registry.command_events().items():
            routes[event] = self._command_handler(event, handler)
        for event, handler in self._registry.result_events().items():
            routes[event] = self._result_handler(event, handler)
        routes[ProcessingEvent.BATCH_PIPELINE_COMPLETED] = self.on_pipeline_completed
        return routes

    def _command_handler(self, event: ProcessingEvent, phase: PhaseHandler) -> Handler:
        async def on_command(envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
            command = phase.command(envelope.data)
            with bind_context(batch_id=command.batch_id, correlation_id=envelope.correlation_id):
                await self._phases.start_phase(command, consumed(event, envelope))

        return on_command

    def _result_handler(self, event: ProcessingEvent, phase: PhaseHandler) -> Handler:
        async def on_result(envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
            results = phase.results(envelope.data)
            with bind_context(batch_id=results.batch_id, correlation_id=envelope.correlation_id):
                await self._phases.record_results(results, consumed(event, envelope))

        return on_result

    async def on_pipeline_completed(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        data: BatchPipelineCompletedV1 = envelope.data
        with bind_context(batch_id=data.batch_id, correlation_id=envelope.correlation_id):
            await self._phases.finish_pipeline(
                data.batch_id,
                data.pipeline_run_id,
                consumed(ProcessingEvent.BATCH_PIPELINE_COMPLETED, envelope),
            )
