"""`pipelines.yaml` as validated Pydantic models: the phases, their dependencies, the pipelines.

The loader refuses, with a message naming the file and the culprit: unknown phase names
(phases must be `PhaseName` values), pipelines or dependencies naming an undeclared phase, and
dependency cycles. A service loads the catalog once at startup and fails to start on an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from common_core.status_enums import PhaseName

from .phase_graph import find_cycle, ordered_closure

KNOWN_PHASES: tuple[str, ...] = tuple(phase.value for phase in PhaseName)


class PipelineConfigError(ValueError):
    """The pipeline configuration is unusable; the message says what and where."""


class UnknownPipelineError(LookupError):
    """A requested pipeline is not configured."""

    def __init__(self, requested: str, available: list[str]) -> None:
        state = "is not available yet" if requested in KNOWN_PHASES else "does not exist"
        super().__init__(
            f"pipeline {requested!r} {state}; available pipelines: {', '.join(available)}"
        )
        self.requested = requested
        self.available = available


class PhaseDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    depends_on: tuple[str, ...] = ()


class PipelineDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    phases: tuple[str, ...] = Field(min_length=1)


class PipelineCatalog(BaseModel):
    """Every configured pipeline; `phases_for` gives a pipeline's phases in execution order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    phases: dict[str, PhaseDefinition] = Field(min_length=1)
    pipelines: dict[str, PipelineDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_phase_names(self.phases)
        _check_references(self.phases, self.pipelines)
        cycle = find_cycle(self.dependency_graph())
        if cycle is not None:
            raise ValueError(f"dependency cycle between phases: {' -> '.join(cycle)}")
        return self

    def dependency_graph(self) -> dict[str, tuple[str, ...]]:
        return {name: phase.depends_on for name, phase in self.phases.items()}

    @property
    def pipeline_names(self) -> list[str]:
        return sorted(self.pipelines)

    def phases_for(self, pipeline: str) -> list[PhaseName]:
        """The pipeline's phases with their dependencies, each after what it depends on."""
        definition = self.pipelines.get(pipeline)
        if definition is None:
            raise UnknownPipelineError(pipeline, self.pipeline_names)
        ordered = ordered_closure(self.dependency_graph(), definition.phases)
        return [PhaseName(name) for name in ordered]

    def dependencies_of(self, phase: PhaseName) -> tuple[PhaseName, ...]:
        return tuple(PhaseName(name) for name in self.phases[phase.value].depends_on)


def _check_phase_names(phases: dict[str, PhaseDefinition]) -> None:
    unknown = sorted(name for name in phases if name not in KNOWN_PHASES)
    if unknown:
        raise ValueError(
            f"unknown phase(s) {', '.join(unknown)}; known phases: {', '.join(KNOWN_PHASES)}"
        )


def _check_references(
    phases: dict[str, PhaseDefinition], pipelines: dict[str, PipelineDefinition]
) -> None:
    problems = [
        f"phase {name!r} depends on undeclared phase {dependency!r}"
        for name, phase in phases.items()
        for dependency in phase.depends_on
        if dependency not in phases
    ]
    problems += [
        f"pipeline {name!r} names undeclared phase {phase!r}"
        for name, pipeline in pipelines.items()
        for phase in pipeline.phases
        if phase not in phases
    ]
    if problems:
        raise ValueError("; ".join(problems))


def parse_pipeline_catalog(text: str, *, source: str = "<string>") -> PipelineCatalog:
    """Parse and validate YAML text; raises `PipelineConfigError` naming `source`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PipelineConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PipelineConfigError(f"{source}: expected a mapping with phases and pipelines")
    try:
        return PipelineCatalog.model_validate(raw)
    except ValidationError as exc:
        raise PipelineConfigError(f"{source}: {_describe(exc)}") from exc


def load_pipeline_catalog(path: Path) -> PipelineCatalog:
    """Read and validate the pipeline configuration file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PipelineConfigError(f"{path}: cannot read the pipeline configuration: {exc}") from exc
    return parse_pipeline_catalog(text, source=str(path))


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)
