"""Spellcheck phase commands and results (BOS, ELS, spell checker)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from common_core.events.base import EssayTextRef, EventData
from common_core.field_types import Count, EntityId, NonEmptyStr
from common_core.status_enums import Language, OutcomeStatus


class BatchServiceSpellcheckInitiateCommandDataV1(EventData):
    """BOS tells ELS to run the spellcheck phase for a batch."""

    batch_id: EntityId = Field(description="Batch to spellcheck.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    language: Language = Field(description="Essay language (from the course code).")
    essays: list[EssayTextRef] = Field(min_length=1, description="Essays to spellcheck.")


class EssayLifecycleSpellcheckRequestV1(EventData):
    """ELS asks the spell checker to correct one essay."""

    batch_id: EntityId = Field(description="Batch of the essay.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    essay_id: EntityId = Field(description="Essay to correct.")
    text_storage_id: EntityId = Field(description="Content Service id of the original text.")
    language: Language = Field(description="Essay language.")


class SpellingCorrection(EventData):
    """One correction made in an essay."""

    original: NonEmptyStr = Field(description="The misspelt word as written.")
    corrected: str = Field(description="The replacement.")
    offset: Count = Field(description="Character offset of the word in the original text.")


class SpellcheckResultDataV1(EventData):
    """The spell checker's result for one essay."""

    batch_id: EntityId = Field(description="Batch of the essay.")
    pipeline_run_id: EntityId = Field(description="Id of the pipeline run.")
    essay_id: EntityId = Field(description="The corrected essay.")
    status: OutcomeStatus = Field(description="success or failed.")
    corrected_text_storage_id: EntityId | None = Field(
        default=None, description="Content Service id of the corrected text (on success)."
    )
    corrections: list[SpellingCorrection] = Field(
        default_factory=list, description="Corrections made, in text order."
    )
    correction_count: Count = Field(default=0, description="Number of corrections made.")
    word_count: Count | None = Field(
        default=None,
        description="Words in the original text (for the spelling-error rate); None if unknown.",
    )
    language: Language = Field(description="Essay language.")
    error: str | None = Field(default=None, description="What went wrong (on failure).")

    @model_validator(mode="after")
    def _fields_match_status(self) -> Self:
        if self.status is OutcomeStatus.SUCCESS and self.corrected_text_storage_id is None:
            raise ValueError("a successful result needs corrected_text_storage_id")
        if self.status is OutcomeStatus.FAILED and not (self.error and self.error.strip()):
            raise ValueError("a failed result needs an error message")
        return self
