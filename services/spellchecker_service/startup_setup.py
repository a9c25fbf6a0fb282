"""What the worker runs: dictionary loading, then the consumer; and its readiness checks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from dishka import AsyncContainer
from prometheus_client import CollectorRegistry

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner
from huleedu_service_libs.quart_app import (
    DeferredRunner,
    ReadinessCheck,
    deferred_check,
    kafka_check,
    redis_check,
)
from huleedu_service_libs.redis_client import RedisClient

from .config import SpellSettings
from .kafka_consumer import build_consumer_runner
from .spellcheck_handler import SpellcheckHandler
from .spelling.engines import SpellingEngines

logger = structlog.get_logger(__name__)


def spell_worker(
    settings: SpellSettings,
    container: AsyncContainer,
    *,
    options: ConsumerOptions | None = None,
    registry: CollectorRegistry | None = None,
) -> DeferredRunner:
    """The consumer, built when the worker starts (resolving the handler connects Kafka and
    Redis); it loads the dictionaries in a thread first, so /healthz answers meanwhile."""

    async def build() -> ConsumerRunner:
        handler = await container.get(SpellcheckHandler)
        return build_consumer_runner(settings, handler, options=options, registry=registry)

    async def load_dictionaries() -> None:
        engines = await container.get(SpellingEngines)
        for report in await asyncio.to_thread(engines.load):
            logger.info(
                "spelling_dictionary_loaded",
                language=report.language,
                seconds=round(report.seconds, 3),
                from_cache=report.from_cache,
            )

    return DeferredRunner(build, before_run=load_dictionaries)


def readiness_checks(
    settings: SpellSettings, container: AsyncContainer
) -> Sequence[ReadinessCheck]:
    async def redis() -> RedisClient:
        return await container.get(RedisClient)

    async def dictionaries() -> None:
        engines = await container.get(SpellingEngines)
        if not engines.loaded:
            raise RuntimeError("the spelling dictionaries are still loading")

    return [
        deferred_check("redis", redis, redis_check),
        kafka_check(settings.kafka_bootstrap_servers),
        ReadinessCheck("dictionaries", dictionaries),
    ]
