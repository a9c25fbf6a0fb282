"""The worker's Kafka side: one handler per consumed topic, adapting envelopes to intake."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.events import BatchEssaysRegistered, EssayContentReady, EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import ConsumedRecord, ConsumerOptions, ConsumerRunner, Handler
from huleedu_service_libs.logging import bind_context
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile
from services.essay_lifecycle_service.intake_service import IntakeService


def incoming_content(data: EssayContentReady) -> IncomingFile:
    return IncomingFile(
        batch_id=data.batch_id,
        file_upload_id=data.file_upload_id,
        original_file_name=data.original_file_name,
        outcome=FileOutcome.CONTENT,
        text_storage_id=data.text_storage_id,
        student_name=data.student_name,
        student_email=data.student_email,
        essay_id_hint=data.essay_id,
    )


def incoming_failure(data: EssayValidationFailed) -> IncomingFile:
    return IncomingFile(
        batch_id=data.batch_id,
        file_upload_id=data.file_upload_id,
        original_file_name=data.original_file_name,
        outcome=FileOutcome.FAILED,
        reason_code=data.reason_code,
        message=data.message,
    )


class IntakeHandlers:
    """The consumer handlers of the ELS worker (parsing and retries are the runner's job)."""

    def __init__(self, intake: IntakeService) -> None:
        self._intake = intake

    async def on_batch_registered(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        data: BatchEssaysRegistered = envelope.data
        with bind_context(
            batch_id=data.batch_id,
            user_id=data.user_id,
            correlation_id=envelope.correlation_id,
        ):
            await self._intake.register_batch(data, envelope.event_id, envelope.correlation_id)

    async def on_content_ready(self, envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
        await self._accept(incoming_content(envelope.data), envelope)

    async def on_validation_failed(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        await self._accept(incoming_failure(envelope.data), envelope)

    async def _accept(self, incoming: IncomingFile, envelope: EventEnvelope[Any]) -> None:
        with bind_context(batch_id=incoming.batch_id, correlation_id=envelope.correlation_id):
            await self._intake.accept_file(incoming, envelope.event_id, envelope.correlation_id)


def build_consumer_runner(
    settings: ElsSettings,
    handlers: IntakeHandlers,
    phase_routes: Mapping[ProcessingEvent, Handler] | None = None,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> ConsumerRunner:
    """The worker's runner (group `settings.consumer_group_id`): intake topics plus the phase
    topics of `phase_routes`; invalid envelopes are logged, counted and skipped — BOS owns
    dead letters."""
    runner = ConsumerRunner(
        settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group_id,
        service_name=settings.service_name,
        options=options
        or ConsumerOptions.from_settings(
            settings, handler_timeout_s=settings.handler_timeout_seconds
        ),
        registry=registry,
    )
    routes: dict[ProcessingEvent, Handler] = {
        ProcessingEvent.BATCH_ESSAYS_REGISTERED: handlers.on_batch_registered,
        ProcessingEvent.ESSAY_CONTENT_READY: handlers.on_content_ready,
        ProcessingEvent.ESSAY_VALIDATION_FAILED: handlers.on_validation_failed,
        **(phase_routes or {}),
    }
    for event, handler in routes.items():
        runner.add_handler(topic_name(event), handler)
    return runner
