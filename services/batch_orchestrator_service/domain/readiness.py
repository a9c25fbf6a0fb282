"""Batch status transitions on the readiness events of ELS.

- BatchEssaysReady: awaiting_content / readiness_timed_out -> ready_for_pipeline_execution with
  the essays, their text references and the failed files; with no usable essay -> failed.
- BatchReadinessTimeout: awaiting_content -> readiness_timed_out with the missing essays (the
  essays that did arrive stay usable); with none arrived -> failed.

Anything else (a duplicate, a late event for a batch that moved on) leaves the batch unchanged;
the outcome says why so the caller can log it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from common_core.events.batch_coordination import FailedFile, ReadyEssay
from common_core.status_enums import BatchStatus

from .batch import Batch

NO_USABLE_ESSAYS = "no_usable_essays"
READINESS_TIMED_OUT_WITHOUT_ESSAYS = "readiness_timed_out_without_essays"

_AWAITING_READINESS = frozenset({BatchStatus.AWAITING_CONTENT, BatchStatus.READINESS_TIMED_OUT})


@dataclass(frozen=True)
class Transition:
    """The batch after an event, and whether (and why not) it changed."""

    batch: Batch
    changed: bool
    note: str = ""


def apply_essays_ready(
    batch: Batch,
    essays: Sequence[ReadyEssay],
    failed_files: Sequence[FailedFile],
    *,
    now: datetime,
) -> Transition:
    """The batch after ELS announced it ready with `essays` (usable) and `failed_files`."""
    if batch.status not in _AWAITING_READINESS:
        return Transition(batch, changed=False, note=f"batch is already {batch.status.value}")
    if essays:
        status, reason = BatchStatus.READY_FOR_PIPELINE_EXECUTION, None
    else:
        status, reason = BatchStatus.FAILED, NO_USABLE_ESSAYS
    updated = dataclasses.replace(
        batch,
        status=status,
        status_reason=reason,
        essays=tuple(essays),
        failed_files=tuple(failed_files),
        missing_essay_ids=(),
        ready_essay_count=len(essays),
        updated_at=now,
    )
    return Transition(updated, changed=True)


def apply_readiness_timeout(
    batch: Batch,
    missing_essay_ids: Sequence[str],
    ready_essay_count: int,
    *,
    now: datetime,
) -> Transition:
    """The batch after ELS reported that `missing_essay_ids` never received content."""
    if batch.status is not BatchStatus.AWAITING_CONTENT:
        return Transition(batch, changed=False, note=f"batch is already {batch.status.value}")
    if ready_essay_count > 0:
        status, reason = BatchStatus.READINESS_TIMED_OUT, None
    else:
        status, reason = BatchStatus.FAILED, READINESS_TIMED_OUT_WITHOUT_ESSAYS
    updated = dataclasses.replace(
        batch,
        status=status,
        status_reason=reason,
        missing_essay_ids=tuple(missing_essay_ids),
        ready_essay_count=ready_essay_count,
        updated_at=now,
    )
    return Transition(updated, changed=True)
