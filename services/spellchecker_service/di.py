"""The dishka container of the spell checker: Kafka bus, Redis, Content client, engines."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from prometheus_client import CollectorRegistry

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.idempotency import RedisEventClaim
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.providers import KafkaProvider, RedisProvider, SettingsProvider
from huleedu_service_libs.redis_client import RedisClient

from .config import SpellSettings
from .metrics import SpellMetrics, spell_metrics
from .spellcheck_handler import SpellcheckHandler
from .spelling.engines import SpellingEngines


class SpellProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=SpellSettings, scope=Scope.APP)

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        super().__init__()
        self._registry = registry

    @provide
    def engines(self, settings: SpellSettings) -> SpellingEngines:
        return SpellingEngines(settings.languages, settings.data_dir)

    @provide
    def metrics(self) -> SpellMetrics:
        return spell_metrics(self._registry)

    @provide
    async def content(self, settings: SpellSettings) -> AsyncIterator[ContentServiceClient]:
        client = ContentServiceClient.create(
            settings.content_url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=settings.content_timeout_seconds,
            retries=settings.content_retries,
        )
        yield client
        await client.close()

    @provide
    def claims(self, settings: SpellSettings, redis: RedisClient) -> RedisEventClaim:
        return RedisEventClaim(
            redis,
            handler_timeout_s=settings.handler_timeout_seconds,
            ttl_margin_s=settings.claim_ttl_margin_seconds,
            done_ttl_s=settings.claim_done_ttl_seconds,
            key_prefix=settings.claim_key_prefix,
        )

    @provide
    def handler(
        self,
        settings: SpellSettings,
        engines: SpellingEngines,
        content: ContentServiceClient,
        bus: KafkaBus,
        claims: RedisEventClaim,
        metrics: SpellMetrics,
    ) -> SpellcheckHandler:
        return SpellcheckHandler(
            engines=engines,
            content=content,
            publisher=bus,
            claims=claims,
            metrics=metrics,
            service_name=settings.service_name,
        )


def build_container(
    settings: SpellSettings, registry: CollectorRegistry | None = None
) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        KafkaProvider(),
        RedisProvider(),
        SpellProvider(registry),
        context={ServiceSettingsBase: settings, SpellSettings: settings},
    )
