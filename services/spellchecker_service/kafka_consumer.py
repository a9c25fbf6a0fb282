"""The ConsumerRunner of the spell checker: one handler, for the per-essay requests."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner

from .config import SpellSettings
from .spellcheck_handler import SpellcheckHandler

# The runner's own timeout must outlast the claim-guarded handler, which stops itself first.
_RUNNER_TIMEOUT_MARGIN_S = 5.0


def consumer_options(settings: SpellSettings) -> ConsumerOptions:
    return ConsumerOptions.from_settings(
        settings,
        max_attempts=settings.consumer_max_attempts,
        handler_timeout_s=settings.handler_timeout_seconds + _RUNNER_TIMEOUT_MARGIN_S,
        client_id=f"{settings.service_name}-consumer",
    )


def build_consumer_runner(
    settings: SpellSettings,
    handler: SpellcheckHandler,
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
    runner.add_handler(topic_name(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED), handler.handle)
    return runner
