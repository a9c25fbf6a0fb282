"""Prometheus helpers: idempotent metric creation, HTTP metrics for Quart, ``/metrics`` output.

Metrics default to the global registry so that everything a process records (HTTP, Kafka
consumer, outbox...) shows on its one ``/metrics`` page. Creating the same metric twice in one
registry returns the first object instead of raising, so two apps or runners in one process
(as in tests) do not clash.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics import MetricWrapperBase
from quart import Quart, Response, g, request

HTTP_REQUESTS_TOTAL = "huleedu_http_requests_total"
HTTP_REQUEST_SECONDS = "huleedu_http_request_seconds"
UNMATCHED_ROUTE = "<unmatched>"
HTTP_LABELS = ("service", "method", "route", "status")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_MetricT = TypeVar("_MetricT", bound=MetricWrapperBase)
_lock = threading.Lock()
_created: weakref.WeakKeyDictionary[CollectorRegistry, dict[str, MetricWrapperBase]] = (
    weakref.WeakKeyDictionary()
)


def _get_or_create(
    kind: type[_MetricT],
    name: str,
    registry: CollectorRegistry | None,
    build: Callable[[CollectorRegistry], _MetricT],
) -> _MetricT:
    target = registry if registry is not None else REGISTRY
    with _lock:
        known = _created.setdefault(target, {})
        metric = known.get(name)
        if metric is None:
            metric = _register_or_find(target, name, build)
            known[name] = metric
    if not isinstance(metric, kind):
        raise TypeError(f"metric {name!r} already exists as {type(metric).__name__}")
    return metric


def _register_or_find(
    registry: CollectorRegistry,
    name: str,
    build: Callable[[CollectorRegistry], MetricWrapperBase],
) -> MetricWrapperBase:
    try:
        return build(registry)
    except ValueError:
        # Registered by code that did not go through these helpers: reuse that collector.
        existing = registry._names_to_collectors.get(name)
        if isinstance(existing, MetricWrapperBase):
            return existing
        raise


def counter(
    name: str,
    documentation: str,
    labelnames: Sequence[str] = (),
    *,
    registry: CollectorRegistry | None = None,
) -> Counter:
    """The counter ``name`` of ``registry`` (global by default), created on first use."""
    return _get_or_create(
        Counter,
        name,
        registry,
        lambda reg: Counter(name, documentation, labelnames, registry=reg),
    )


def gauge(
    name: str,
    documentation: str,
    labelnames: Sequence[str] = (),
    *,
    registry: CollectorRegistry | None = None,
) -> Gauge:
    """The gauge ``name`` of ``registry`` (global by default), created on first use."""
    return _get_or_create(
        Gauge,
        name,
        registry,
        lambda reg: Gauge(name, documentation, labelnames, registry=reg),
    )


def histogram(
    name: str,
    documentation: str,
    labelnames: Sequence[str] = (),
    *,
    buckets: Sequence[float] = LATENCY_BUCKETS,
    registry: CollectorRegistry | None = None,
) -> Histogram:
    """The histogram ``name`` of ``registry`` (global by default), created on first use."""
    return _get_or_create(
        Histogram,
        name,
        registry,
        lambda reg: Histogram(name, documentation, labelnames, buckets=buckets, registry=reg),
    )


def render_metrics(registry: CollectorRegistry | None = None) -> tuple[bytes, str]:
    """The Prometheus text exposition of ``registry`` and its content type."""
    return generate_latest(registry if registry is not None else REGISTRY), CONTENT_TYPE_LATEST


def metrics_response(registry: CollectorRegistry | None = None) -> Response:
    """A Quart response carrying the ``/metrics`` page."""
    body, content_type = render_metrics(registry)
    return Response(body, status=200, content_type=content_type)


class HttpMetrics:
    """Request count and latency per service, method, route template and status."""

    def __init__(self, service_name: str, registry: CollectorRegistry | None = None) -> None:
        self.service_name = service_name
        self.requests = counter(
            HTTP_REQUESTS_TOTAL,
            "HTTP requests handled, by route template and status",
            HTTP_LABELS,
            registry=registry,
        )
        self.latency = histogram(
            HTTP_REQUEST_SECONDS,
            "HTTP request handling time in seconds, by route template and status",
            HTTP_LABELS,
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float | None) -> None:
        labels = (self.service_name, method, route, str(status))
        self.requests.labels(*labels).inc()
        if seconds is not None:
            self.latency.labels(*labels).observe(seconds)

    def install(self, app: Quart) -> None:
        """Time every request of ``app``; call before any other ``before_request`` hook so
        requests answered early (e.g. refused by auth) are timed too."""
        app.before_request(self._start_timer)
        app.after_request(self._record)

    async def _start_timer(self) -> None:
        g.huleedu_request_started = time.perf_counter()

    async def _record(self, response: Response) -> Response:
        started: Any = g.get("huleedu_request_started")
        elapsed = time.perf_counter() - started if isinstance(started, float) else None
        self.observe(request.method, current_route_template(), response.status_code, elapsed)
        return response


def current_route_template() -> str:
    """The matched URL rule (``/v1/batches/<batch_id>``), never the raw path, so that ids do
    not explode the label cardinality."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE
