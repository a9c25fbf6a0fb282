"""The dishka container of the CJ worker: shared infrastructure plus the CJ services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import ConsumerOptions, ConsumerRunner
from huleedu_service_libs.outbox import OutboxWriter
from huleedu_service_libs.providers import (
    DatabaseProvider,
    KafkaProvider,
    OutboxProvider,
    SettingsProvider,
)

from .assessment_service import AssessmentPolicy, AssessmentService
from .config import CJSettings
from .event_factory import CJEventFactory
from .implementations.assessment_repository import AssessmentRepository
from .implementations.heuristic_judge import HeuristicJudge
from .implementations.llm_judge import LlmJudge, LlmJudgeConfig
from .kafka_consumer import RequestHandler, build_consumer_runner
from .metrics import CJMetrics
from .protocols import Judge, TextSource


@dataclass(frozen=True)
class RuntimeWiring:
    """Process-level choices made by the app factory (tests pass their own)."""

    consumer_options: ConsumerOptions | None = None
    metrics_registry: CollectorRegistry | None = None


def assessment_policy(settings: CJSettings) -> AssessmentPolicy:
    return AssessmentPolicy(
        comparisons_per_essay=settings.comparisons_per_essay,
        pairing_seed=settings.pairing_seed,
        min_essays=settings.min_essays,
        chunk_size=settings.judging_chunk_size,
        prior_strength=settings.bt_prior_strength,
        timeout_s=settings.assessment_timeout_seconds,
        fetch_concurrency=settings.content_fetch_concurrency,
    )


def llm_judge_config(settings: CJSettings) -> LlmJudgeConfig:
    if not (settings.llm_base_url and settings.llm_model):
        raise ValueError("the LLM judge needs CJ_LLM_BASE_URL and CJ_LLM_MODEL")
    return LlmJudgeConfig(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_seconds,
        retries=settings.llm_retries,
        backoff_s=settings.llm_retry_backoff_seconds,
        max_concurrency=settings.llm_max_concurrency,
        max_essay_chars=settings.llm_max_essay_chars,
    )


class CJProvider(Provider):
    """The CJ services; all APP scope."""

    scope = Scope.APP
    settings = from_context(provides=CJSettings, scope=Scope.APP)
    wiring = from_context(provides=RuntimeWiring, scope=Scope.APP)

    @provide
    async def judge(self, settings: CJSettings) -> AsyncIterator[Judge]:
        if settings.judge == "heuristic":
            yield HeuristicJudge(default_target_words=settings.default_target_words)
            return
        judge = LlmJudge(llm_judge_config(settings))
        try:
            yield judge
        finally:
            await judge.close()

    @provide
    async def texts(self, settings: CJSettings) -> AsyncIterator[TextSource]:
        client = ContentServiceClient.create(
            settings.content_url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=settings.content_timeout_seconds,
        )
        try:
            yield client
        finally:
            await client.close()

    @provide
    def metrics(self, wiring: RuntimeWiring) -> CJMetrics:
        return CJMetrics.create(wiring.metrics_registry)

    @provide
    def service(
        self,
        settings: CJSettings,
        sessions: async_sessionmaker[AsyncSession],
        outbox: OutboxWriter,
        texts: TextSource,
        judge: Judge,
        metrics: CJMetrics,
    ) -> AssessmentService:
        return AssessmentService(
            sessions=sessions,
            repository=AssessmentRepository(),
            processed=ProcessedEvents(),
            outbox=outbox,
            events=CJEventFactory(settings.service_name),
            texts=texts,
            judge=judge,
            policy=assessment_policy(settings),
            metrics=metrics,
        )

    @provide
    def runner(
        self,
        settings: CJSettings,
        service: AssessmentService,
        wiring: RuntimeWiring,
    ) -> ConsumerRunner:
        return build_consumer_runner(
            settings,
            RequestHandler(service),
            options=wiring.consumer_options,
            registry=wiring.metrics_registry,
        )


def build_container(
    settings: CJSettings,
    *,
    consumer_options: ConsumerOptions | None = None,
    metrics_registry: CollectorRegistry | None = None,
) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        KafkaProvider(),
        OutboxProvider(),
        CJProvider(),
        context={
            ServiceSettingsBase: settings,
            CJSettings: settings,
            RuntimeWiring: RuntimeWiring(consumer_options, metrics_registry),
        },
    )
