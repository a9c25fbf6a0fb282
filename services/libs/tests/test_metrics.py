"""Metric helpers: idempotent creation and HTTP metrics with route templates."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter
from quart import Quart

from huleedu_service_libs.metrics import (
    HTTP_REQUESTS_TOTAL,
    UNMATCHED_ROUTE,
    HttpMetrics,
    counter,
    gauge,
    histogram,
    render_metrics,
)


def test_creating_a_metric_twice_returns_the_same_object() -> None:
    registry = CollectorRegistry()

    first = counter("huleedu_test_events_total", "events", ["topic"], registry=registry)
    second = counter("huleedu_test_events_total", "events", ["topic"], registry=registry)

    assert first is second
    first.labels("t").inc()
    assert registry.get_sample_value("huleedu_test_events_total", {"topic": "t"}) == 1.0


def test_same_name_in_another_registry_is_another_metric() -> None:
    one = gauge("huleedu_test_depth", "depth", registry=CollectorRegistry())
    other = gauge("huleedu_test_depth", "depth", registry=CollectorRegistry())

    assert one is not other


def test_name_taken_by_another_kind_raises() -> None:
    registry = CollectorRegistry()
    counter("huleedu_test_mixed", "a counter", registry=registry)

    with pytest.raises(TypeError, match="huleedu_test_mixed"):
        histogram("huleedu_test_mixed", "a histogram", registry=registry)


def test_reuses_a_metric_registered_outside_the_helpers() -> None:
    registry = CollectorRegistry()
    direct = Counter("huleedu_test_direct", "direct", registry=registry)

    assert counter("huleedu_test_direct", "direct", registry=registry) is direct


def test_render_metrics_returns_text_exposition() -> None:
    registry = CollectorRegistry()
    counter("huleedu_test_rendered_total", "rendered", registry=registry).inc(2)

    body, content_type = render_metrics(registry)

    assert content_type.startswith("text/plain")
    assert b"huleedu_test_rendered_total 2.0" in body


async def test_http_metrics_label_route_templates_not_raw_paths() -> None:
    registry = CollectorRegistry()
    app = Quart("metrics_test")
    HttpMetrics("metrics_test_service", registry).install(app)

    @app.get("/v1/items/<item_id>")
    async def item(item_id: str) -> dict[str, str]:
        return {"id": item_id}

    client = app.test_client()
    await client.get("/v1/items/a1")
    await client.get("/v1/items/b2")
    await client.get("/nowhere/c3")

    def count(route: str, status: str) -> float | None:
        labels = {
            "service": "metrics_test_service",
            "method": "GET",
            "route": route,
            "status": status,
        }
        return registry.get_sample_value(HTTP_REQUESTS_TOTAL, labels)

    assert count("/v1/items/<item_id>", "200") == 2.0
    assert count(UNMATCHED_ROUTE, "404") == 1.0
    body, _ = render_metrics(registry)
    assert b"/v1/items/a1" not in body
    assert b"huleedu_http_request_seconds_bucket" in body
