"""The gateway's dishka container: every object lives for the app (APP scope)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.http_client import CircuitBreaker, InternalServiceClient
from huleedu_service_libs.providers import RedisProvider, SettingsProvider
from huleedu_service_libs.redis_client import RedisClient

from .config import GatewaySettings
from .domain.rate_limit import RateLimiter, RateLimitRule, RouteClass
from .domain.tokens import TokenVerifier
from .domain.uploads import UploadLimits
from .implementations.downstream import Downstream
from .implementations.event_publisher import KafkaPipelineRequestPublisher
from .implementations.redis_rate_counter import RedisWindowCounter
from .implementations.service_clients import BosClient, FileClient, RasClient
from .notifications.hub import NotificationHub
from .notifications.redis_listener import RedisNotificationListener
from .protocols import PipelineRequestPublisher
from .request_guard import RequestGuard
from .startup_setup import ReadinessChecks, readiness_checks
from .telemetry import GatewayMetrics, MetricsRegistry

BOS, FILE, RAS = "batch_orchestrator_service", "file_service", "result_aggregator_service"


class DownstreamClients:
    """One HTTP client per (service, retry policy): reads retry, writes never do."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self.bos_reads = self._client(settings.bos_url, BOS, retries=settings.read_retries)
        self.bos_writes = self._client(settings.bos_url, BOS, retries=0)
        self.file_writes = self._client(
            settings.file_url, FILE, retries=0, timeout_s=settings.upload_timeout_seconds
        )
        self.ras_reads = self._client(settings.ras_url, RAS, retries=settings.read_retries)

    def _client(
        self, url: str, name: str, *, retries: int, timeout_s: float | None = None
    ) -> InternalServiceClient:
        settings = self._settings
        return InternalServiceClient(
            url,
            service_id=settings.service_name,
            api_key=settings.internal_api_key,
            timeout_s=timeout_s or settings.downstream_timeout_seconds,
            retries=retries,
            circuit_breaker=CircuitBreaker(
                settings.circuit_failure_threshold, settings.circuit_reset_seconds, name=name
            ),
        )

    def health_clients(self) -> dict[str, InternalServiceClient]:
        return {BOS: self.bos_reads, FILE: self.file_writes, RAS: self.ras_reads}

    async def close(self) -> None:
        for client in (self.bos_reads, self.bos_writes, self.file_writes, self.ras_reads):
            await client.close()


class GatewayProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=GatewaySettings, scope=Scope.APP)
    metrics_registry = from_context(provides=MetricsRegistry, scope=Scope.APP)

    @provide
    def metrics(self, settings: GatewaySettings, registry: MetricsRegistry) -> GatewayMetrics:
        return GatewayMetrics(settings.service_name, registry.registry)

    @provide
    def token_verifier(self, settings: GatewaySettings) -> TokenVerifier:
        return TokenVerifier(
            settings.jwt_verification_key,
            algorithm=settings.jwt_algorithm,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
        )

    @provide
    def request_guard(
        self, verifier: TokenVerifier, limiter: RateLimiter, metrics: GatewayMetrics
    ) -> RequestGuard:
        return RequestGuard(verifier, limiter, metrics)

    @provide
    def rate_limiter(self, settings: GatewaySettings, redis: RedisClient) -> RateLimiter:
        window = settings.rate_limit_window_seconds
        rules = {
            RouteClass.READ: RateLimitRule(settings.rate_limit_reads, window),
            RouteClass.WRITE: RateLimitRule(settings.rate_limit_writes, window),
            RouteClass.UPLOAD: RateLimitRule(settings.rate_limit_uploads, window),
        }
        return RateLimiter(RedisWindowCounter(redis), rules)

    @provide
    def upload_limits(self, settings: GatewaySettings) -> UploadLimits:
        return UploadLimits(
            max_files=settings.max_files_per_upload,
            max_file_bytes=settings.max_file_bytes,
            max_total_bytes=settings.max_upload_bytes,
        )

    @provide
    def hub(self, settings: GatewaySettings, metrics: GatewayMetrics) -> NotificationHub:
        return NotificationHub(
            settings.ws_send_queue_size, on_drop=lambda _channel: metrics.ws_slow_dropped.inc()
        )

    @provide
    def listener(
        self, redis: RedisClient, hub: NotificationHub, metrics: GatewayMetrics
    ) -> RedisNotificationListener:
        return RedisNotificationListener(redis, hub, on_forward=metrics.notifications_forwarded.inc)

    @provide
    async def downstream(self, settings: GatewaySettings) -> AsyncIterator[DownstreamClients]:
        clients = DownstreamClients(settings)
        yield clients
        await clients.close()

    @provide
    def bos(self, clients: DownstreamClients) -> BosClient:
        return BosClient(Downstream(BOS, clients.bos_reads), Downstream(BOS, clients.bos_writes))

    @provide
    def file(self, clients: DownstreamClients) -> FileClient:
        return FileClient(Downstream(FILE, clients.file_writes))

    @provide
    def ras(self, clients: DownstreamClients) -> RasClient:
        return RasClient(Downstream(RAS, clients.ras_reads))

    @provide
    async def publisher(self, settings: GatewaySettings) -> AsyncIterator[PipelineRequestPublisher]:
        publisher = KafkaPipelineRequestPublisher(
            settings.kafka_bootstrap_servers,
            service_name=settings.service_name,
            enable_idempotence=settings.kafka_enable_idempotence,
            connect_timeout_s=settings.kafka_connect_timeout_seconds,
            publish_timeout_s=settings.kafka_publish_timeout_seconds,
        )
        yield publisher
        await publisher.stop()

    @provide
    def checks(
        self,
        settings: GatewaySettings,
        redis: RedisClient,
        listener: RedisNotificationListener,
        clients: DownstreamClients,
    ) -> ReadinessChecks:
        return readiness_checks(settings, redis, listener, clients.health_clients())


def build_container(
    settings: GatewaySettings, metrics_registry: MetricsRegistry | None = None
) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        RedisProvider(),
        GatewayProvider(),
        context={
            ServiceSettingsBase: settings,
            GatewaySettings: settings,
            MetricsRegistry: metrics_registry or MetricsRegistry(),
        },
    )
