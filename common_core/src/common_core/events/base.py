"""Base class of every event payload (the `data` of an envelope) and shared item models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import EntityId


class EventData(BaseModel):
    """Immutable event payload.

    Unknown fields are ignored on input so that a consumer built against an older version of a
    contract still accepts a compatibly extended payload (a new optional field).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")


class EssayTextRef(EventData):
    """An essay and the Content Service id of the text to process."""

    essay_id: EntityId = Field(description="Id of the essay.")
    text_storage_id: EntityId = Field(description="Content Service id of the essay text.")
