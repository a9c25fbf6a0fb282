"""When a batch is complete, what it announces; and what a timed-out batch reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile, Slot


@dataclass(frozen=True, slots=True)
class FilledSlot:
    essay_id: str
    file: IncomingFile


@dataclass(frozen=True, slots=True)
class ReadinessOutcome:
    """A complete batch: its usable essays and its failed files, in slot order.

    With no usable essay the batch has failed (it is still announced, listing the failures).
    """

    usable: tuple[FilledSlot, ...]
    failed: tuple[FilledSlot, ...]

    @property
    def batch_failed(self) -> bool:
        return not self.usable


@dataclass(frozen=True, slots=True)
class TimeoutSummary:
    missing_essay_ids: tuple[str, ...]
    ready_essay_count: int


def _ordered(slots: Sequence[Slot]) -> list[Slot]:
    return sorted(slots, key=lambda slot: slot.position)


def evaluate_readiness(slots: Sequence[Slot]) -> ReadinessOutcome | None:
    """The outcome once every slot is filled; None while any slot is free (or none exist)."""
    if not slots or any(slot.is_free for slot in slots):
        return None
    filled = [FilledSlot(slot.essay_id, slot.file) for slot in _ordered(slots) if slot.file]
    return ReadinessOutcome(
        usable=tuple(f for f in filled if f.file.outcome is FileOutcome.CONTENT),
        failed=tuple(f for f in filled if f.file.outcome is FileOutcome.FAILED),
    )


def summarise_timeout(slots: Sequence[Slot]) -> TimeoutSummary | None:
    """Missing slots and usable count of an incomplete batch; None when nothing is missing."""
    ordered = _ordered(slots)
    missing = tuple(slot.essay_id for slot in ordered if slot.is_free)
    if not missing:
        return None
    usable = sum(
        1 for slot in ordered if slot.file is not None and slot.file.outcome is FileOutcome.CONTENT
    )
    return TimeoutSummary(missing_essay_ids=missing, ready_essay_count=usable)


class BatchIntakeStatus(StrEnum):
    """Where a batch stands in intake (ELS's own view, not BOS's BatchStatus)."""

    AWAITING_CONTENT = "awaiting_content"
    READINESS_TIMED_OUT = "readiness_timed_out"  # announced; content may still complete it
    READY = "ready"  # complete with at least one usable essay
    FAILED = "failed"  # complete, but no file was usable
