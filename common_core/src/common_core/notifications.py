"""User notifications: published by RAS on Redis `ws:{user_id}`, forwarded as-is on `/ws`.

Wire format: `{"event": NAME, "data": {"batch_id", "seq", "timestamp", ...}}` where `seq`
increases by one per batch so a client can notice a gap and re-read state over REST.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationInfo,
    field_validator,
)

from common_core.field_types import Count, EntityId, NonEmptyStr, UtcDatetime, utc_now
from common_core.status_enums import (
    BatchClientStatus,
    OutcomeStatus,
    PhaseName,
    PipelineRejectionReason,
)

USER_CHANNEL_PREFIX = "ws:"


def user_channel(user_id: str) -> str:
    """The Redis pub/sub channel carrying `user_id`'s notifications."""
    return f"{USER_CHANNEL_PREFIX}{user_id}"


class NotificationName(StrEnum):
    """Every notification a client can receive."""

    BATCH_REGISTERED = "batch_registered"
    FILE_ACCEPTED = "file_accepted"
    FILE_REJECTED = "file_rejected"
    BATCH_READY = "batch_ready"
    BATCH_READINESS_TIMEOUT = "batch_readiness_timeout"
    PIPELINE_STARTED = "pipeline_started"
    PHASE_STARTED = "phase_started"
    ESSAY_PROCESSED = "essay_processed"
    PHASE_COMPLETED = "phase_completed"
    PIPELINE_COMPLETED = "pipeline_completed"
    PIPELINE_REJECTED = "pipeline_rejected"


class NotificationData(BaseModel):
    """Fields every notification carries."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    batch_id: EntityId = Field(description="Batch the notification is about.")
    seq: Count = Field(description="Per-batch sequence number, increasing by one.")
    timestamp: UtcDatetime = Field(default_factory=utc_now, description="When it happened.")


class BatchRegisteredData(NotificationData):
    """A batch was registered."""


class FileAcceptedData(NotificationData):
    """An uploaded file was accepted as an essay."""

    file_name: NonEmptyStr = Field(description="File name as uploaded.")
    student_name: str | None = Field(default=None, description="Parsed student name, if any.")


class FileRejectedData(NotificationData):
    """An uploaded file could not be used."""

    file_name: NonEmptyStr = Field(description="File name as uploaded.")
    reason: NonEmptyStr = Field(description="Why it was rejected.")


class BatchReadyData(NotificationData):
    """Every essay slot of the batch is filled."""

    essay_count: Count = Field(description="Usable essays in the batch.")


class BatchReadinessTimeoutData(NotificationData):
    """The batch stopped waiting for missing content."""

    missing: Count = Field(description="Number of essays that never arrived.")


class PipelineStartedData(NotificationData):
    """A pipeline run started."""

    pipeline: EntityId = Field(description="Requested pipeline name.")
    phases: list[PhaseName] = Field(description="Phases to execute, in order.")


class PhaseStartedData(NotificationData):
    """A phase started."""

    phase: PhaseName = Field(description="The phase.")
    essay_count: Count = Field(description="Essays the phase processes.")


class EssayProcessedData(NotificationData):
    """One essay has an outcome in a phase."""

    phase: PhaseName = Field(description="The phase.")
    essay_id: EntityId = Field(description="The essay.")
    status: OutcomeStatus = Field(description="success or failed.")


class PhaseCompletedData(NotificationData):
    """A phase finished."""

    phase: PhaseName = Field(description="The phase.")
    successful: Count = Field(description="Essays the phase succeeded for.")
    failed: Count = Field(description="Essays the phase failed for.")


class PipelineCompletedData(NotificationData):
    """A pipeline run finished."""

    status: BatchClientStatus = Field(description="Batch status the client now sees.")
    successful: Count = Field(description="Essays that went through every phase.")
    failed: Count = Field(description="Essays that failed in some phase.")


class PipelineRejectedData(NotificationData):
    """A pipeline request was refused (sent to the requester only, not stored on the batch)."""

    pipeline: EntityId = Field(description="Requested pipeline name.")
    reason: PipelineRejectionReason = Field(description="Why it was refused.")


_N = NotificationName

NOTIFICATION_DATA_MODELS: Mapping[NotificationName, type[NotificationData]] = MappingProxyType(
    {
        _N.BATCH_REGISTERED: BatchRegisteredData,
        _N.FILE_ACCEPTED: FileAcceptedData,
        _N.FILE_REJECTED: FileRejectedData,
        _N.BATCH_READY: BatchReadyData,
        _N.BATCH_READINESS_TIMEOUT: BatchReadinessTimeoutData,
        _N.PIPELINE_STARTED: PipelineStartedData,
        _N.PHASE_STARTED: PhaseStartedData,
        _N.ESSAY_PROCESSED: EssayProcessedData,
        _N.PHASE_COMPLETED: PhaseCompletedData,
        _N.PIPELINE_COMPLETED: PipelineCompletedData,
        _N.PIPELINE_REJECTED: PipelineRejectedData,
    }
)


class UserNotification(BaseModel):
    """One notification message; `data` is validated with the model of `event`."""

    model_config = ConfigDict(frozen=True)

    event: NotificationName = Field(description="Notification name.")
    data: SerializeAsAny[NotificationData] = Field(description="Payload of that notification.")

    @field_validator("data", mode="before")
    @classmethod
    def _data_matches_event(cls, value: Any, info: ValidationInfo) -> Any:
        event = info.data.get("event")
        if event is None:
            return value
        model = NOTIFICATION_DATA_MODELS[event]
        if isinstance(value, NotificationData):
            if type(value) is not model:
                raise ValueError(f"{event.value} carries {model.__name__}")
            return value
        return model.model_validate(value)


def build_notification(
    event: NotificationName,
    *,
    batch_id: str,
    seq: int,
    timestamp: datetime | None = None,
    **fields: Any,
) -> UserNotification:
    """Build and validate a notification from its name and payload fields."""
    data: dict[str, Any] = {"batch_id": batch_id, "seq": seq, **fields}
    if timestamp is not None:
        data["timestamp"] = timestamp
    return UserNotification(event=event, data=NOTIFICATION_DATA_MODELS[event].model_validate(data))


def parse_notification(raw: bytes | str) -> UserNotification:
    """Parse a notification from its JSON wire form (raises pydantic `ValidationError`)."""
    return UserNotification.model_validate_json(raw)
