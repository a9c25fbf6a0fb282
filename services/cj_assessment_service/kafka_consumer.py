"""The CJ worker's Kafka side: one handler for ELSCJAssessmentRequestV1."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.events import ELSCJAssessmentRequestV1
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import ConsumedRecord, ConsumerOptions, ConsumerRunner
from huleedu_service_libs.logging import bind_context

from .assessment_service import AssessmentService
from .config import CJSettings


class RequestHandler:
    def __init__(self, service: AssessmentService) -> None:
        self._service = service

    async def on_assessment_requested(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        data: ELSCJAssessmentRequestV1 = envelope.data
        with bind_context(
            batch_id=data.batch_id,
            pipeline_run_id=data.pipeline_run_id,
            correlation_id=envelope.correlation_id,
        ):
            await self._service.handle_request(data, envelope.event_id, envelope.correlation_id)


def consumer_options(settings: CJSettings) -> ConsumerOptions:
    """An assessment can take minutes: the poll interval allows for the handler timeout, and
    batches of different keys are assessed concurrently."""
    handler_timeout_s = settings.handler_timeout_seconds
    return ConsumerOptions.from_settings(
        settings,
        handler_timeout_s=handler_timeout_s,
        max_poll_interval_ms=int((handler_timeout_s + 60.0) * 1000),
        max_concurrency=settings.consumer_max_concurrency,
        client_id=f"{settings.service_name}-consumer",
    )


def build_consumer_runner(
    settings: CJSettings,
    handler: RequestHandler,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> ConsumerRunner:
    """Invalid envelopes are logged, counted and skipped (BOS owns dead letters)."""
    runner = ConsumerRunner(
        settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group_id,
        service_name=settings.service_name,
        options=options or consumer_options(settings),
        registry=registry,
    )
    runner.add_handler(
        topic_name(ProcessingEvent.ELS_CJ_ASSESSMENT_REQUESTED), handler.on_assessment_requested
    )
    return runner
