"""Comparative-judgement phase commands and results (BOS, ELS, CJ service)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from common_core.events.base import EssayTextRef, EventData
from common_core.field_types import Count, EntityId, NonEmptyStr
from common_core.status_enums import Language


class BatchServiceCJAssessmentInitiateCommandDataV1(EventData):
    """BOS tells ELS to run the comparative-judgement phase for a batch."""

    batch_id: EntityId = Field(description="Batch to assess.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    language: Language = Field(description="Essay language (from the course code).")
    essay_instructions: NonEmptyStr = Field(description="The assignment given to the students.")
    essays: list[EssayTextRef] = Field(
        min_length=1, description="Essays to rank (corrected text when spellcheck ran)."
    )


class CJEssayInput(EventData):
    """One essay to be ranked."""

    essay_id: EntityId = Field(description="Id of the essay.")
    text_storage_id: EntityId = Field(description="Content Service id of the text to judge.")
    spelling_error_rate: float | None = Field(
        default=None, ge=0.0, description="Corrections per word, when spellcheck ran."
    )


class ELSCJAssessmentRequestV1(EventData):
    """ELS asks the CJ service to rank the essays of a batch."""

    batch_id: EntityId = Field(description="Batch to assess.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    language: Language = Field(description="Essay language.")
    essay_instructions: NonEmptyStr = Field(description="The assignment given to the students.")
    essays: list[CJEssayInput] = Field(min_length=1, description="Essays to rank.")


class CJRanking(EventData):
    """Rank and Bradley-Terry score of one essay."""

    essay_id: EntityId = Field(description="Id of the essay.")
    rank: int = Field(ge=1, description="Rank, 1 being the best.")
    score: float = Field(description="Bradley-Terry ability score.")


class CJAssessmentCompletedV1(EventData):
    """The CJ service ranked the essays of a batch."""

    batch_id: EntityId = Field(description="Assessed batch.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    rankings: list[CJRanking] = Field(min_length=1, description="One ranking per essay.")
    comparison_count: Count = Field(description="Number of pairwise comparisons judged.")
    judge: NonEmptyStr = Field(description="Name of the judge that compared the pairs.")

    @model_validator(mode="after")
    def _one_ranking_per_essay(self) -> Self:
        ids = [ranking.essay_id for ranking in self.rankings]
        if len(set(ids)) != len(ids):
            raise ValueError("rankings must have unique essay_id values")
        return self


class CJAssessmentFailedV1(EventData):
    """The CJ service could not rank the essays of a batch."""

    batch_id: EntityId = Field(description="Batch whose assessment failed.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    reason: EntityId = Field(description="Machine-readable reason, e.g. too_few_essays.")
    message: NonEmptyStr = Field(description="Human-readable explanation.")
