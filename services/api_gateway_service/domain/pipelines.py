"""Which pipelines a client may request (the shared list in common_core)."""

from __future__ import annotations

from common_core.status_enums import PipelineName


class UnknownPipelineError(ValueError):
    def __init__(self, requested: str) -> None:
        super().__init__(f"unknown pipeline {requested!r}")
        self.requested = requested
        self.available = available_pipelines()


def available_pipelines() -> list[str]:
    return [pipeline.value for pipeline in PipelineName]


def known_pipeline(requested: str) -> PipelineName:
    """The pipeline named `requested`; `UnknownPipelineError` for any other name."""
    try:
        return PipelineName(requested)
    except ValueError:
        raise UnknownPipelineError(requested) from None
