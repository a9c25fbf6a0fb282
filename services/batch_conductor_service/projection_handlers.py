"""Kafka handlers that keep BCS's batch state projection (one per consumed event type)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import structlog

from common_core.event_enums import ProcessingEvent
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import ConsumedRecord, Handler
from huleedu_service_libs.logging import bind_context

from .batch_state_store import BatchStateStore
from .domain import projection
from .domain.projection import ProjectionUpdate

logger = structlog.get_logger(__name__)

Project = Callable[[Any], ProjectionUpdate]

PROJECTIONS: Mapping[ProcessingEvent, Project] = MappingProxyType(
    {
        ProcessingEvent.SPELLCHECK_RESULT: projection.from_spellcheck_result,
        ProcessingEvent.CJ_ASSESSMENT_COMPLETED: projection.from_cj_completed,
        ProcessingEvent.CJ_ASSESSMENT_FAILED: projection.from_cj_failed,
        ProcessingEvent.ELS_BATCH_PHASE_OUTCOME: projection.from_phase_outcome,
        ProcessingEvent.BATCH_PIPELINE_COMPLETED: projection.from_pipeline_completed,
    }
)
"""The events BCS consumes and what each changes in the projection."""


def consumer_name(event: ProcessingEvent) -> str:
    """The `processed_events` consumer of an event type."""
    return f"bcs.{event.value}"


class ProjectionHandlers:
    """Builds the `ConsumerRunner` handler of each consumed event type."""

    def __init__(self, store: BatchStateStore) -> None:
        self._store = store

    def handler_for(self, event: ProcessingEvent) -> Handler:
        project = PROJECTIONS[event]
        consumer = consumer_name(event)

        async def handle(envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
            update = project(envelope.data)
            with bind_context(batch_id=update.batch_id, correlation_id=envelope.correlation_id):
                is_new = await self._store.apply_event(consumer, envelope.event_id, update)
                logger.info(
                    "projection_event_applied" if is_new else "duplicate_event_skipped",
                    consumer=consumer,
                    pipeline_run_id=update.pipeline_run_id,
                )

        return handle
