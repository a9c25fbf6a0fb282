"""Request and response bodies of `POST /internal/v1/pipelines/define`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import EntityId
from common_core.status_enums import PhaseName


class DefinePipelineRequest(BaseModel):
    """BOS asks which phases a requested pipeline needs for a batch."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    batch_id: EntityId
    requested_pipeline: EntityId
    correlation_id: EntityId


class DefinePipelineResponse(BaseModel):
    """The phases to run, in order; those pruned; and what the decision was based on."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    final_pipeline: list[PhaseName] = Field(description="Phases to run, in execution order.")
    pruned_phases: list[PhaseName] = Field(description="Phases skipped: already completed.")
    analysis_summary: dict[str, Any]
