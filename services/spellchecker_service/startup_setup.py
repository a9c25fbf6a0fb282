"""What the worker runs: dictionary loading, then the consumer; and its readiness checks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from dishka import AsyncContainer
from prometheus_client import CollectorRegistry

from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner
from huleedu_service_libs.quart_app import (
    BackgroundTask,
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


class SpellWorker:
    """Loads the dictionaries (in a thread, so /healthz answers meanwhile), then consumes."""

    def __init__(
        self,
        settings: SpellSettings,
        container: AsyncContainer,
        *,
        options: ConsumerOptions | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._settings = settings
        self._container = container
        self._options = options
        self._registry = registry
        self._runner: ConsumerRunner | None = None
        self._stop_requested = asyncio.Event()

    async def prepare(self) -> None:
        """Startup hook: resolve the handler (connects Kafka and Redis) and build the runner."""
        handler = await self._container.get(SpellcheckHandler)
        self._runner = build_consumer_runner(
            self._settings, handler, options=self._options, registry=self._registry
        )

    async def run(self) -> None:
        if self._runner is None:
            raise RuntimeError("SpellWorker.prepare() must run before run()")
        engines = await self._container.get(SpellingEngines)
        reports = await asyncio.to_thread(engines.load)
        for report in reports:
            logger.info(
                "spelling_dictionary_loaded",
                language=report.language,
                seconds=round(report.seconds, 3),
                from_cache=report.from_cache,
            )
        if self._stop_requested.is_set():
            return
        await self._runner.run()

    async def stop(self) -> None:
        self._stop_requested.set()
        if self._runner is not None:
            await self._runner.stop()

    def background_task(self) -> BackgroundTask:
        return BackgroundTask(name="consumer", run=self.run, stop=self.stop)


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
