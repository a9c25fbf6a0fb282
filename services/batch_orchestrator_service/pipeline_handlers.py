"""Kafka handlers (`ConsumerRunner.add_handler`) of the pipeline topics."""

from __future__ import annotations

from typing import Any

from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import ConsumedRecord

from .pipeline_service import PipelineOrchestrator


class PipelineHandlers:
    """ClientBatchPipelineRequestV1 and ELSBatchPhaseOutcomeV1, handed to the orchestrator."""

    def __init__(self, orchestrator: PipelineOrchestrator) -> None:
        self._orchestrator = orchestrator

    async def on_pipeline_request(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        await self._orchestrator.handle_request(envelope)

    async def on_phase_outcome(self, envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
        await self._orchestrator.handle_outcome(envelope)
