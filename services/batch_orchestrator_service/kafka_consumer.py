"""The ConsumerRunner of BOS: one handler per consumed topic, dead letters to `<topic>.DLQ`."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner, DeadLetterSink

from .config import BOSSettings
from .pipeline_handlers import PipelineHandlers
from .readiness_handlers import ReadinessHandlers


def consumer_options(settings: BOSSettings) -> ConsumerOptions:
    return ConsumerOptions.from_settings(
        settings,
        max_attempts=settings.consumer_max_attempts,
        handler_timeout_s=settings.consumer_handler_timeout_seconds,
        client_id=f"{settings.service_name}-consumer",
    )


def build_consumer_runner(
    settings: BOSSettings,
    handlers: ReadinessHandlers,
    pipelines: PipelineHandlers,
    dead_letters: DeadLetterSink,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> ConsumerRunner:
    """The runner for the readiness events, pipeline requests and phase outcomes."""
    runner = ConsumerRunner(
        settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group_id,
        service_name=settings.service_name,
        options=options or consumer_options(settings),
        dead_letter_sink=dead_letters,
        registry=registry,
    )
    runner.add_handler(topic_name(ProcessingEvent.BATCH_ESSAYS_READY), handlers.on_essays_ready)
    runner.add_handler(
        topic_name(ProcessingEvent.BATCH_READINESS_TIMEOUT), handlers.on_readiness_timeout
    )
    runner.add_handler(
        topic_name(ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST), pipelines.on_pipeline_request
    )
    runner.add_handler(
        topic_name(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME), pipelines.on_phase_outcome
    )
    return runner
