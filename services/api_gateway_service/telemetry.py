"""The gateway's Prometheus metrics: HTTP requests by route and status with durations (the
shared `huleedu_http_*` metrics), rate-limit refusals and WebSocket activity."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from huleedu_service_libs.metrics import HttpMetrics, counter, gauge


class MetricsRegistry:
    """The registry `/metrics` renders (None: the process-wide default registry)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry


class GatewayMetrics:
    def __init__(self, service_name: str, registry: CollectorRegistry | None = None) -> None:
        self.http = HttpMetrics(service_name, registry)
        self.rate_limited = counter(
            "gateway_rate_limited_total",
            "Requests refused with 429, by route",
            ["route"],
            registry=registry,
        )
        self.ws_connections = gauge(
            "gateway_websocket_connections", "Open WebSocket connections", registry=registry
        )
        self.ws_slow_dropped = counter(
            "gateway_websocket_slow_clients_dropped_total",
            "WebSockets closed because their send queue was full",
            registry=registry,
        )
        self.notifications_forwarded = counter(
            "gateway_notifications_forwarded_total",
            "Notifications received from Redis and handed to the user's sockets",
            registry=registry,
        )
