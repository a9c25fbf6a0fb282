"""The pipelines a client may request: the shared list, and that BCS resolves the same ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from common_core.status_enums import PipelineName
from services.api_gateway_service.domain.pipelines import (
    UnknownPipelineError,
    available_pipelines,
    known_pipeline,
)

BCS_PIPELINES = Path(__file__).resolve().parents[3] / "batch_conductor_service" / "pipelines.yaml"


def test_known_pipelines() -> None:
    assert known_pipeline("spellcheck") is PipelineName.SPELLCHECK
    assert known_pipeline("cj_assessment") is PipelineName.CJ_ASSESSMENT


@pytest.mark.parametrize("name", ["ai_feedback", "nlp", "SPELLCHECK", ""])
def test_unknown_pipeline_names_the_available_ones(name: str) -> None:
    with pytest.raises(UnknownPipelineError) as refused:
        known_pipeline(name)

    assert refused.value.available == ["spellcheck", "cj_assessment"]


def test_the_gateway_list_matches_bcs_pipelines_yaml() -> None:
    catalog = yaml.safe_load(BCS_PIPELINES.read_text())

    assert sorted(catalog["pipelines"]) == sorted(available_pipelines())
