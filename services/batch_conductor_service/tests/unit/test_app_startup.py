"""A bad pipelines.yaml stops the service when the app is built, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from services.batch_conductor_service.app import create_app
from services.batch_conductor_service.config import BCSSettings
from services.batch_conductor_service.domain.pipeline_catalog import PipelineConfigError


def test_app_refuses_to_build_with_a_cyclic_configuration(tmp_path: Path) -> None:
    bad = tmp_path / "pipelines.yaml"
    bad.write_text(
        "version: 1\n"
        "phases:\n"
        "  spellcheck: {depends_on: [cj_assessment]}\n"
        "  cj_assessment: {depends_on: [spellcheck]}\n"
        "pipelines:\n"
        "  spellcheck: {phases: [spellcheck]}\n"
    )
    settings = BCSSettings(pipelines_file=bad)

    with pytest.raises(PipelineConfigError, match=r"pipelines\.yaml: .*dependency cycle"):
        create_app(settings, metrics_registry=CollectorRegistry())


def test_app_builds_with_the_shipped_configuration() -> None:
    app = create_app(BCSSettings(), metrics_registry=CollectorRegistry())

    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/internal/v1/pipelines/define" in rules
    assert {"/healthz", "/readyz", "/metrics"} <= rules
