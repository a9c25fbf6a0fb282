"""The versioned envelope every message on the bus is wrapped in."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import NonEmptyStr, UtcDatetime, utc_now

T_EventData = TypeVar("T_EventData")


class EventEnvelope(BaseModel, Generic[T_EventData]):
    """Envelope of one event: identity, routing and tracing data around the typed payload."""

    model_config = ConfigDict(extra="ignore")

    event_id: UUID = Field(
        default_factory=uuid4,
        description="Unique id of this event; deterministic (uuid5) where the event has a "
        "natural identity, so a re-sent event is recognised as a duplicate.",
    )
    event_type: NonEmptyStr = Field(description="The Kafka topic the event belongs to.")
    event_timestamp: UtcDatetime = Field(
        default_factory=utc_now, description="When the event was produced (UTC)."
    )
    source_service: NonEmptyStr = Field(description="Name of the producing service.")
    schema_version: int = Field(default=1, ge=1, description="Version of the envelope schema.")
    correlation_id: UUID = Field(description="Id shared by every event of one user action.")
    data: T_EventData = Field(description="The event payload (model given by the topic).")
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Free-form tracing metadata (e.g. trace context)."
    )
