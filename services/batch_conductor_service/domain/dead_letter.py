"""The message BCS publishes to `huleedu.pipelines.resolution.DLQ` for a failed resolution."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

DEAD_LETTER_SCHEMA_VERSION: Literal[1] = 1


class ResolutionDeadLetter(BaseModel):
    """`failed_event_envelope` or `request` holds what could not be resolved."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = DEAD_LETTER_SCHEMA_VERSION
    failed_event_envelope: dict[str, Any] | None = None
    request: dict[str, Any] | None = None
    dlq_reason: str = Field(min_length=1)
    timestamp: AwareDatetime
    service: str

    @property
    def batch_id(self) -> str | None:
        source = self.request or self.failed_event_envelope or {}
        batch_id = source.get("batch_id")
        return batch_id if isinstance(batch_id, str) else None
