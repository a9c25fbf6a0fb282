"""Prometheus metrics of BCS (created per registry when the app is built, not at import)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from huleedu_service_libs.metrics import counter, histogram

RESOLUTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)


class BCSMetrics:
    """`bcs_pipeline_resolutions_total{status}` (success, unknown_pipeline, error), the
    resolution duration, where batch states were read from, and dead-letter deliveries."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.resolutions = counter(
            "bcs_pipeline_resolutions_total",
            "Pipeline resolutions by outcome",
            ["status"],
            registry=registry,
        )
        self.resolution_seconds = histogram(
            "bcs_pipeline_resolution_duration_seconds",
            "Time to resolve a pipeline request, by outcome",
            ["status"],
            buckets=RESOLUTION_BUCKETS,
            registry=registry,
        )
        self.state_reads = counter(
            "bcs_batch_state_reads_total",
            "Batch state reads by source (cache, database after a miss, database fallback)",
            ["source"],
            registry=registry,
        )
        self.dead_letters = counter(
            "bcs_resolution_dead_letters_total",
            "Resolution dead letters by delivery result (published, lost)",
            ["result"],
            registry=registry,
        )

    def resolved(self, status: str, seconds: float) -> None:
        self.resolutions.labels(status).inc()
        self.resolution_seconds.labels(status).observe(seconds)
