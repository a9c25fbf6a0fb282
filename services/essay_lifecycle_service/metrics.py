"""Prometheus metrics of batch intake (served on the worker's /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from huleedu_service_libs.metrics import counter


class IntakeMetrics:
    """Counts where files went and how batches ended intake."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._files = counter(
            "huleedu_els_files_total",
            "File placements by kind: slot, failed_slot, excess, early (kept until the batch is "
            "registered, then counted again when placed) and repeat (already handled)",
            ["placement"],
            registry=registry,
        )
        self._batches = counter(
            "huleedu_els_batches_total",
            "Batches that finished intake, by outcome (ready, failed, readiness_timeout)",
            ["outcome"],
            registry=registry,
        )

    def file(self, placement: str) -> None:
        self._files.labels(placement).inc()

    def batch(self, outcome: str) -> None:
        self._batches.labels(outcome).inc()


class PhaseMetrics:
    """Counts phase runs, the results they received and how they ended."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._runs = counter(
            "huleedu_els_phase_runs_total",
            "Phase runs started (dispatched) and finished, by phase and status (started, "
            "completed_successfully, completed_with_partial_success, failed)",
            ["phase", "status"],
            registry=registry,
        )
        self._outcomes = counter(
            "huleedu_els_phase_essay_outcomes_total",
            "Essay outcomes recorded by phase and source (result, timeout, not_eligible) and "
            "outcomes skipped as stale (source = the skip reason)",
            ["phase", "source"],
            registry=registry,
        )

    def run(self, phase: str, status: str) -> None:
        self._runs.labels(phase, status).inc()

    def outcomes(self, phase: str, source: str, count: int = 1) -> None:
        if count:
            self._outcomes.labels(phase, source).inc(count)
