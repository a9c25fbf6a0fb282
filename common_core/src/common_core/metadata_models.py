"""Small metadata value objects: entity references, storage references, processing metadata."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import EntityId, UtcDatetime


class EntityType(StrEnum):
    """Kinds of entity an event or record can be about."""

    BATCH = "batch"
    ESSAY = "essay"
    FILE_UPLOAD = "file_upload"
    PIPELINE_RUN = "pipeline_run"


class ContentType(StrEnum):
    """Kinds of text kept by the Content Service."""

    ORIGINAL_ESSAY = "original_essay"
    CORRECTED_TEXT = "corrected_text"


class ProcessingStage(StrEnum):
    """Coarse stage of a unit of work."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class EntityReference(BaseModel):
    """A reference to one entity, optionally inside a parent (an essay inside its batch)."""

    model_config = ConfigDict(frozen=True)

    entity_id: EntityId = Field(description="Id of the entity.")
    entity_type: EntityType = Field(description="Kind of entity.")
    parent_id: EntityId | None = Field(default=None, description="Id of the parent entity.")


class StorageReferenceMetadata(BaseModel):
    """Content Service ids of the texts belonging to an entity, by kind of text."""

    model_config = ConfigDict(frozen=True)

    references: dict[ContentType, EntityId] = Field(
        default_factory=dict, description="Content Service storage id per content type."
    )

    def storage_id(self, content_type: ContentType) -> str | None:
        """The storage id of `content_type`, if stored."""
        return self.references.get(content_type)

    def with_reference(
        self, content_type: ContentType, storage_id: str
    ) -> StorageReferenceMetadata:
        """A copy with `content_type` pointing at `storage_id`."""
        return StorageReferenceMetadata(references={**self.references, content_type: storage_id})


class SystemProcessingMetadata(BaseModel):
    """Where a unit of work stands: the entity, the event that caused it, timings and errors."""

    model_config = ConfigDict(frozen=True)

    entity: EntityReference = Field(description="The entity being processed.")
    event: str | None = Field(
        default=None, description="ProcessingEvent value that triggered the work."
    )
    processing_stage: ProcessingStage = Field(
        default=ProcessingStage.PENDING, description="Current stage."
    )
    started_at: UtcDatetime | None = Field(default=None, description="When work started.")
    completed_at: UtcDatetime | None = Field(default=None, description="When work ended.")
    error_info: dict[str, Any] = Field(
        default_factory=dict, description="Error details when the work failed."
    )
