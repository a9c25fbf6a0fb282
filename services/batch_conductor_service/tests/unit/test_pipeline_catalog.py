"""The pipelines.yaml loader: the shipped file, and the bad configurations it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from common_core.status_enums import PhaseName
from services.batch_conductor_service.config import DEFAULT_PIPELINES_FILE
from services.batch_conductor_service.domain.pipeline_catalog import (
    PipelineConfigError,
    UnknownPipelineError,
    load_pipeline_catalog,
    parse_pipeline_catalog,
)

SPELLCHECK = PhaseName.SPELLCHECK
CJ = PhaseName.CJ_ASSESSMENT
ONE_PHASE = "phases: {spellcheck: {}}"


def catalog_yaml(phases: str, pipelines: str) -> str:
    return f"version: 1\nphases:\n{phases}\npipelines:\n{pipelines}\n"


def test_shipped_file_defines_spellcheck_and_cj_assessment() -> None:
    catalog = load_pipeline_catalog(DEFAULT_PIPELINES_FILE)

    assert catalog.pipeline_names == ["cj_assessment", "spellcheck"]
    assert catalog.phases_for("spellcheck") == [SPELLCHECK]
    assert catalog.phases_for("cj_assessment") == [SPELLCHECK, CJ]
    assert catalog.dependencies_of(CJ) == (SPELLCHECK,)


@pytest.mark.parametrize("requested", ["ai_feedback", "nlp"])
def test_phases_not_in_this_release_are_unknown_pipelines(requested: str) -> None:
    catalog = load_pipeline_catalog(DEFAULT_PIPELINES_FILE)

    with pytest.raises(UnknownPipelineError) as raised:
        catalog.phases_for(requested)

    message = str(raised.value)
    assert "is not available yet" in message
    assert "available pipelines: cj_assessment, spellcheck" in message
    assert raised.value.available == ["cj_assessment", "spellcheck"]


def test_an_unknown_name_does_not_exist() -> None:
    catalog = load_pipeline_catalog(DEFAULT_PIPELINES_FILE)

    with pytest.raises(UnknownPipelineError, match="'essay_magic' does not exist"):
        catalog.phases_for("essay_magic")


def test_dependencies_come_first_even_when_declared_later() -> None:
    text = catalog_yaml(
        "  cj_assessment: {depends_on: [spellcheck]}\n  spellcheck: {}",
        "  both: {phases: [cj_assessment, spellcheck]}",
    )

    assert parse_pipeline_catalog(text).phases_for("both") == [SPELLCHECK, CJ]


def test_refuses_an_unknown_phase_naming_it_and_the_known_ones() -> None:
    text = catalog_yaml("  spellcheck: {}\n  grammar: {}", "  p: {phases: [spellcheck]}")

    with pytest.raises(PipelineConfigError) as raised:
        parse_pipeline_catalog(text, source="bad.yaml")

    message = str(raised.value)
    assert message.startswith("bad.yaml: ")
    assert "unknown phase(s) grammar" in message
    assert "known phases: spellcheck, cj_assessment" in message


def test_refuses_a_missing_dependency() -> None:
    text = catalog_yaml(
        "  cj_assessment: {depends_on: [spellcheck]}", "  p: {phases: [cj_assessment]}"
    )

    with pytest.raises(PipelineConfigError, match="depends on undeclared phase 'spellcheck'"):
        parse_pipeline_catalog(text)


def test_refuses_a_pipeline_naming_an_undeclared_phase() -> None:
    text = catalog_yaml("  spellcheck: {}", "  p: {phases: [cj_assessment]}")

    with pytest.raises(PipelineConfigError, match="pipeline 'p' names undeclared phase"):
        parse_pipeline_catalog(text)


def test_refuses_a_dependency_cycle_showing_it() -> None:
    text = catalog_yaml(
        "  spellcheck: {depends_on: [cj_assessment]}\n  cj_assessment: {depends_on: [spellcheck]}",
        "  p: {phases: [spellcheck]}",
    )

    with pytest.raises(PipelineConfigError) as raised:
        parse_pipeline_catalog(text)

    assert "dependency cycle between phases: spellcheck -> cj_assessment -> spellcheck" in str(
        raised.value
    )


def test_refuses_a_self_dependency() -> None:
    text = catalog_yaml("  spellcheck: {depends_on: [spellcheck]}", "  p: {phases: [spellcheck]}")

    with pytest.raises(PipelineConfigError, match="spellcheck -> spellcheck"):
        parse_pipeline_catalog(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phases: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        (f"version: 2\n{ONE_PHASE}\npipelines: {{p: {{phases: [spellcheck]}}}}", "version"),
        (f"version: 1\n{ONE_PHASE}\npipelines: {{p: {{phases: []}}}}", "pipelines.p.phases"),
        ("version: 1\nphases: {spellcheck: {needs: []}}\npipelines: {}", "needs"),
    ],
)
def test_refuses_malformed_files(text: str, expected: str) -> None:
    with pytest.raises(PipelineConfigError, match=expected):
        parse_pipeline_catalog(text)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"

    with pytest.raises(PipelineConfigError, match="cannot read the pipeline configuration"):
        load_pipeline_catalog(missing)
