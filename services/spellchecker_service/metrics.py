"""Prometheus metrics of the spell checker."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from huleedu_service_libs.metrics import counter, histogram


@dataclass(frozen=True)
class SpellMetrics:
    results: Counter
    corrections: Counter
    correction_seconds: Histogram

    def observe_success(self, language: str, corrections: int, seconds: float) -> None:
        self.results.labels(language=language, status="success").inc()
        self.corrections.labels(language=language).inc(corrections)
        self.correction_seconds.labels(language=language).observe(seconds)

    def observe_failure(self, language: str) -> None:
        self.results.labels(language=language, status="failed").inc()


def spell_metrics(registry: CollectorRegistry | None = None) -> SpellMetrics:
    return SpellMetrics(
        results=counter(
            "spell_results_total",
            "Spellcheck results published, by language and status.",
            ["language", "status"],
            registry=registry,
        ),
        corrections=counter(
            "spell_corrections_total",
            "Words corrected, by language.",
            ["language"],
            registry=registry,
        ),
        correction_seconds=histogram(
            "spell_correction_seconds",
            "Time to correct one essay (spelling only, no I/O).",
            ["language"],
            registry=registry,
        ),
    )
