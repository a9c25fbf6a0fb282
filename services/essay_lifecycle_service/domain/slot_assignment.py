"""Which slot an uploaded file goes to: the decision only, the repository applies it.

Rules: a file already in a slot is never placed again; otherwise it takes the slot named by its
essay id hint when that slot is free, else the free slot with the lowest position; with no free
slot left it is excess (slots never free up again, so a file once excess stays excess; the
excess table, keyed by batch and file, records it once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.essay_lifecycle_service.domain.slots import IncomingFile, Slot


@dataclass(frozen=True, slots=True)
class AlreadyPlaced:
    """The file is in a slot already (a redelivery or a re-sent event): nothing to do."""

    essay_id: str


@dataclass(frozen=True, slots=True)
class AssignToSlot:
    essay_id: str


@dataclass(frozen=True, slots=True)
class Excess:
    """Every slot is taken: the file is surplus."""


Placement = AlreadyPlaced | AssignToSlot | Excess


def decide_placement(slots: Sequence[Slot], incoming: IncomingFile) -> Placement:
    """Where `incoming` goes among `slots`: the batch's slots, or the ones that matter (the
    slot holding this file, the hinted slot and the first free one)."""
    for slot in slots:
        if slot.file_upload_id == incoming.file_upload_id:
            return AlreadyPlaced(essay_id=slot.essay_id)
    free = [slot for slot in slots if slot.is_free]
    if not free:
        return Excess()
    hinted = next((slot for slot in free if slot.essay_id == incoming.essay_id_hint), None)
    chosen = hinted or min(free, key=lambda slot: slot.position)
    return AssignToSlot(essay_id=chosen.essay_id)
