"""Prometheus metrics of the File Service's uploads."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from huleedu_service_libs.metrics import counter
from services.file_service.domain.uploads import UploadResult


class UploadMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._files = counter(
            "file_service_uploaded_files_total",
            "Uploaded files by outcome (accepted, or the rejection reason).",
            ["outcome"],
            registry=registry,
        )

    def record(self, result: UploadResult) -> None:
        if result.accepted:
            self._files.labels(outcome="accepted").inc(len(result.accepted))
        for rejection in result.rejected:
            self._files.labels(outcome=rejection.reason.value).inc()
