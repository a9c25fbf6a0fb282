"""Prometheus metrics of the CJ service (on the process's `/metrics`)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from huleedu_service_libs.metrics import counter, histogram

STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)


@dataclass(frozen=True)
class CJMetrics:
    assessments: Counter
    comparisons: Counter
    stage_seconds: Histogram

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> CJMetrics:
        return cls(
            assessments=counter(
                "cj_assessments_total",
                "Assessments finished, by outcome (completed, or the failure reason).",
                ["outcome"],
                registry=registry,
            ),
            comparisons=counter(
                "cj_comparisons_total",
                "Pairwise comparisons judged, by judge.",
                ["judge"],
                registry=registry,
            ),
            stage_seconds=histogram(
                "cj_assessment_stage_seconds",
                "Time per assessment stage: open, fetch, judge, fit, finish.",
                ["stage"],
                buckets=STAGE_BUCKETS,
                registry=registry,
            ),
        )
