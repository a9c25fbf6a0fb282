"""The ConsumerRunner of RAS: every topic architecture.md lists with RAS as a consumer, one
handler for all of them (no dead letters: BOS owns those; a hopeless record is skipped)."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner, Handler

from .config import RASSettings

_E = ProcessingEvent

REGISTRATION_TOPIC = topic_name(_E.BATCH_ESSAYS_REGISTERED)

RAS_EVENTS: tuple[ProcessingEvent, ...] = (
    _E.BATCH_ESSAYS_REGISTERED,
    _E.ESSAY_CONTENT_READY,
    _E.ESSAY_VALIDATION_FAILED,
    _E.EXCESS_CONTENT_PROVISIONED,
    _E.BATCH_ESSAYS_READY,
    _E.BATCH_READINESS_TIMEOUT,
    _E.PIPELINE_REQUEST_REJECTED,
    _E.BATCH_PIPELINE_STARTED,
    _E.BATCH_PHASE_STARTED,
    _E.SPELLCHECK_RESULT,
    _E.CJ_ASSESSMENT_COMPLETED,
    _E.CJ_ASSESSMENT_FAILED,
    _E.ELS_BATCH_PHASE_OUTCOME,
    _E.BATCH_PIPELINE_COMPLETED,
)
"""The events RAS projects into its view."""

RAS_TOPICS: tuple[str, ...] = tuple(topic_name(event) for event in RAS_EVENTS)


def consumer_options(settings: RASSettings) -> ConsumerOptions:
    return ConsumerOptions.from_settings(
        settings,
        max_attempts=settings.consumer_max_attempts,
        handler_timeout_s=settings.consumer_handler_timeout_seconds,
        client_id=f"{settings.service_name}-consumer",
    )


def build_consumer_runner(
    settings: RASSettings,
    handler: Handler,
    *,
    group_id: str | None = None,
    topics: Sequence[str] = RAS_TOPICS,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> ConsumerRunner:
    """A runner feeding `topics` (default: all RAS topics) to `handler`."""
    runner = ConsumerRunner(
        settings.kafka_bootstrap_servers,
        group_id=group_id or settings.consumer_group_id,
        service_name=settings.service_name,
        options=options or consumer_options(settings),
        registry=registry,
    )
    for topic in topics:
        runner.add_handler(topic, handler)
    return runner
