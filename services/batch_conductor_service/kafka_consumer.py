"""The ConsumerRunner of BCS: one handler per event of its batch state projection.

BCS does not own dead letters (BOS does): a record it gives up on is logged, counted and skipped.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from common_core.event_enums import topic_name
from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner

from .config import BCSSettings
from .projection_handlers import PROJECTIONS, ProjectionHandlers


def consumer_options(settings: BCSSettings) -> ConsumerOptions:
    return ConsumerOptions.from_settings(
        settings,
        max_attempts=settings.consumer_max_attempts,
        handler_timeout_s=settings.consumer_handler_timeout_seconds,
        max_concurrency=settings.consumer_max_concurrency,
        client_id=f"{settings.service_name}-consumer",
    )


def build_consumer_runner(
    settings: BCSSettings,
    handlers: ProjectionHandlers,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> ConsumerRunner:
    runner = ConsumerRunner(
        settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group_id,
        service_name=settings.service_name,
        options=options or consumer_options(settings),
        registry=registry,
    )
    for event in PROJECTIONS:
        runner.add_handler(topic_name(event), handlers.handler_for(event))
    return runner
