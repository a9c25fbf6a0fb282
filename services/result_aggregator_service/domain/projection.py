"""Event → view change + notifications: the one entry point of the read-model logic.

`project` never changes the view it is given: it returns the new view and the numbered
notifications (`seq` continues the batch's counter). A pipeline rejection the batch owner did
not make (unknown batch, someone else's batch) never touches a view: `requester_rejection`
builds the requester's notification, with `seq` 0 because it is outside any batch's sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from common_core.events import (
    BatchEssaysReady,
    BatchEssaysRegistered,
    BatchPhaseStartedV1,
    BatchPipelineCompletedV1,
    BatchPipelineStartedV1,
    BatchReadinessTimeout,
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    ELSBatchPhaseOutcomeV1,
    EssayContentReady,
    EssayValidationFailed,
    EventData,
    ExcessContentProvisionedV1,
    PipelineRequestRejectedV1,
    SpellcheckResultDataV1,
)
from common_core.notifications import NotificationName, UserNotification, build_notification
from common_core.status_enums import PipelineRejectionReason

from . import intake, runs
from .notices import Notice
from .view import BatchView, ErrorNote, set_latest_rejection

OUT_OF_BAND_SEQ = 0
"""`seq` of a notification that is not part of a batch's sequence (a foreign rejection)."""

_Apply = Callable[[BatchView, Any, datetime], list[Notice]]


def _on_rejected(view: BatchView, data: PipelineRequestRejectedV1, at: datetime) -> list[Notice]:
    note = ErrorNote(
        code=data.reason_code.value, message=data.message, at=at, pipeline=data.requested_pipeline
    )
    set_latest_rejection(view, note)
    return [Notice(NotificationName.PIPELINE_REJECTED, _rejection_fields(data))]


_PROJECTIONS: Mapping[type[EventData], _Apply] = MappingProxyType(
    {
        BatchEssaysRegistered: intake.on_registered,
        EssayContentReady: intake.on_content_ready,
        EssayValidationFailed: intake.on_validation_failed,
        ExcessContentProvisionedV1: intake.on_excess_content,
        BatchEssaysReady: intake.on_essays_ready,
        BatchReadinessTimeout: intake.on_readiness_timeout,
        PipelineRequestRejectedV1: _on_rejected,
        BatchPipelineStartedV1: runs.on_pipeline_started,
        BatchPhaseStartedV1: runs.on_phase_started,
        SpellcheckResultDataV1: runs.on_spellcheck_result,
        CJAssessmentCompletedV1: runs.on_cj_completed,
        CJAssessmentFailedV1: runs.on_cj_failed,
        ELSBatchPhaseOutcomeV1: runs.on_phase_outcome,
        BatchPipelineCompletedV1: runs.on_pipeline_completed,
    }
)

PROJECTED_EVENT_TYPES: frozenset[type[EventData]] = frozenset(_PROJECTIONS)
"""Every payload type RAS projects (one per consumed topic)."""


class UnsupportedEventError(TypeError):
    """`project` was given a payload RAS does not consume."""


@dataclass(frozen=True)
class Projection:
    """The view after one event and the notifications to publish once it is committed."""

    view: BatchView
    notifications: tuple[UserNotification, ...]


def project(view: BatchView, data: EventData, at: datetime) -> Projection:
    """Apply `data` (produced at `at`) to a copy of `view`."""
    apply = _PROJECTIONS.get(type(data))
    if apply is None:
        raise UnsupportedEventError(f"RAS does not project {type(data).__name__}")
    working = view.model_copy(deep=True)
    notices = apply(working, data, at)
    working.touch(at)
    notifications = tuple(
        build_notification(
            notice.name,
            batch_id=working.batch_id,
            seq=working.seq + number,
            timestamp=at,
            **notice.fields,
        )
        for number, notice in enumerate(notices, start=1)
    )
    working.seq += len(notifications)
    return Projection(working, notifications)


def owner_made_rejection(data: PipelineRequestRejectedV1, view: BatchView | None) -> bool:
    """Whether a rejection belongs on the batch: the owner asked, and the batch exists."""
    if data.reason_code in _FOREIGN_REASONS:
        return False
    return view is not None and view.user_id == data.user_id


def may_concern_owner(data: PipelineRequestRejectedV1) -> bool:
    """Whether looking the batch up can make the rejection the owner's."""
    return data.reason_code not in _FOREIGN_REASONS


def requester_rejection(data: PipelineRequestRejectedV1, at: datetime) -> UserNotification:
    """The notification of a rejection that stays off the batch (sent to the requester)."""
    return build_notification(
        NotificationName.PIPELINE_REJECTED,
        batch_id=data.batch_id,
        seq=OUT_OF_BAND_SEQ,
        timestamp=at,
        **_rejection_fields(data),
    )


_FOREIGN_REASONS = frozenset(
    {PipelineRejectionReason.UNKNOWN_BATCH, PipelineRejectionReason.NOT_OWNER}
)


def _rejection_fields(data: PipelineRequestRejectedV1) -> dict[str, Any]:
    return {"pipeline": data.requested_pipeline, "reason": data.reason_code}
