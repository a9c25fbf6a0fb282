"""Postgres statements of batch intake; every method runs inside the caller's transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.status_enums import EssayStatus
from services.essay_lifecycle_service.domain.readiness import BatchIntakeStatus
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile, Slot
from services.essay_lifecycle_service.implementations import batch_lock
from services.essay_lifecycle_service.models_db import (
    BatchTracker,
    Essay,
    EssayTransition,
    ExcessFile,
    PendingFile,
)


@dataclass(frozen=True, slots=True)
class TrackerRecord:
    batch_id: str
    user_id: str
    expected_essay_count: int
    readiness_deadline: datetime
    status: BatchIntakeStatus
    correlation_id: str
    ready_event_id: str | None
    timeout_event_id: str | None


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One timeline entry; `from_status` is None when the slot is created."""

    batch_id: str
    essay_id: str
    from_status: EssayStatus | None
    to_status: EssayStatus
    cause: str
    event_id: str | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewBatch:
    batch_id: str
    user_id: str
    essay_ids: Sequence[str]
    readiness_deadline: datetime
    correlation_id: str


def incoming_to_payload(incoming: IncomingFile) -> dict[str, Any]:
    return dataclasses.asdict(incoming)


def incoming_from_payload(payload: dict[str, Any]) -> IncomingFile:
    return IncomingFile(**{**payload, "outcome": FileOutcome(payload["outcome"])})


_TRACKER_COLUMNS = (
    BatchTracker.batch_id,
    BatchTracker.user_id,
    BatchTracker.expected_essay_count,
    BatchTracker.readiness_deadline,
    BatchTracker.status,
    BatchTracker.correlation_id,
    BatchTracker.ready_event_id,
    BatchTracker.timeout_event_id,
)


def _tracker(row: RowMapping) -> TrackerRecord:
    return TrackerRecord(**{**row, "status": BatchIntakeStatus(row["status"])})


_SLOT_COLUMNS = (
    Essay.batch_id,
    Essay.essay_id,
    Essay.position,
    Essay.status,
    Essay.file_outcome,
    Essay.file_upload_id,
    Essay.original_file_name,
    Essay.text_storage_id,
    Essay.student_name,
    Essay.student_email,
    Essay.failure_reason_code,
    Essay.failure_message,
)


def _slot(row: RowMapping) -> Slot:
    file = None
    if row["file_upload_id"] is not None and row["file_outcome"] is not None:
        file = IncomingFile(
            batch_id=row["batch_id"],
            file_upload_id=row["file_upload_id"],
            original_file_name=row["original_file_name"] or "",
            outcome=FileOutcome(row["file_outcome"]),
            text_storage_id=row["text_storage_id"],
            student_name=row["student_name"],
            student_email=row["student_email"],
            reason_code=row["failure_reason_code"],
            message=row["failure_message"],
        )
    return Slot(row["essay_id"], row["position"], file, EssayStatus(row["status"]))


class IntakeRepository:
    """Batch trackers, slots, transitions, excess and pending files of the ELS database."""

    async def lock_batch(self, session: AsyncSession, batch_id: str) -> None:
        """Serialise every change to one batch until the transaction ends.

        Needed beyond row locks: two files filling the last two slots concurrently would each
        still see the other's slot free and neither would announce readiness; and a file that
        arrives while its registration is being written must see it or be seen by it.
        """
        await batch_lock.lock_batch(session, batch_id)

    async def try_lock_batch(self, session: AsyncSession, batch_id: str) -> bool:
        """Like `lock_batch`, but False at once when another transaction holds the lock."""
        return await batch_lock.try_lock_batch(session, batch_id)

    async def get_tracker(self, session: AsyncSession, batch_id: str) -> TrackerRecord | None:
        statement = sa.select(*_TRACKER_COLUMNS).where(BatchTracker.batch_id == batch_id)
        row = (await session.execute(statement)).mappings().first()
        return _tracker(row) if row is not None else None

    async def insert_tracker(self, session: AsyncSession, batch: NewBatch) -> bool:
        """Create the tracker; False when the batch was registered already."""
        statement = (
            insert(BatchTracker)
            .values(
                batch_id=batch.batch_id,
                user_id=batch.user_id,
                expected_essay_count=len(batch.essay_ids),
                readiness_deadline=batch.readiness_deadline,
                status=BatchIntakeStatus.AWAITING_CONTENT.value,
                correlation_id=batch.correlation_id,
            )
            .on_conflict_do_nothing(index_elements=["batch_id"])
            .returning(BatchTracker.batch_id)
        )
        return (await session.execute(statement)).first() is not None

    async def insert_slots(self, session: AsyncSession, batch: NewBatch) -> None:
        rows = [
            {
                "batch_id": batch.batch_id,
                "essay_id": essay_id,
                "position": position,
                "status": EssayStatus.AWAITING_CONTENT.value,
            }
            for position, essay_id in enumerate(batch.essay_ids)
        ]
        await session.execute(insert(Essay), rows)

    async def load_slots(self, session: AsyncSession, batch_id: str) -> list[Slot]:
        """Every slot of the batch, in position order."""
        statement = (
            sa.select(*_SLOT_COLUMNS).where(Essay.batch_id == batch_id).order_by(Essay.position)
        )
        return [_slot(row) for row in (await session.execute(statement)).mappings().all()]

    async def placement_candidates(
        self, session: AsyncSession, incoming: IncomingFile
    ) -> list[Slot]:
        """What a placement decision needs, not the whole batch: the slot already holding
        this file if any, else the first two free slots (two tell whether the one taken is
        the last), plus the hinted slot if it is free. Free slots are row-locked."""
        batch = Essay.batch_id == incoming.batch_id
        free = Essay.file_upload_id.is_(None)
        holder_or_free = sa.or_(Essay.file_upload_id == incoming.file_upload_id, free)
        statements = [
            sa.select(*_SLOT_COLUMNS)
            .where(batch, holder_or_free)
            .order_by(free, Essay.position)  # the holder (not free) sorts first
            .limit(2)
            .with_for_update(skip_locked=True)
        ]
        if incoming.essay_id_hint is not None:
            hinted = sa.select(*_SLOT_COLUMNS).where(
                batch, free, Essay.essay_id == incoming.essay_id_hint
            )
            statements.append(hinted.with_for_update(skip_locked=True))
        slots: dict[str, Slot] = {}
        for statement in statements:
            for row in (await session.execute(statement)).mappings().all():
                slots[row["essay_id"]] = _slot(row)
        return list(slots.values())

    async def fill_slot(self, session: AsyncSession, essay_id: str, incoming: IncomingFile) -> bool:
        """Put `incoming` in the slot if it is still free; False when it was taken."""
        statement = (
            sa.update(Essay)
            .where(
                Essay.batch_id == incoming.batch_id,
                Essay.essay_id == essay_id,
                Essay.file_upload_id.is_(None),
            )
            .values(
                file_outcome=incoming.outcome.value,
                file_upload_id=incoming.file_upload_id,
                original_file_name=incoming.original_file_name,
                text_storage_id=incoming.text_storage_id,
                student_name=incoming.student_name,
                student_email=incoming.student_email,
                failure_reason_code=incoming.reason_code,
                failure_message=incoming.message,
                updated_at=sa.func.now(),
            )
            .returning(Essay.essay_id)
        )
        return (await session.execute(statement)).first() is not None

    async def set_status(
        self,
        session: AsyncSession,
        batch_id: str,
        essay_ids: Sequence[str],
        current: EssayStatus,
        target: EssayStatus,
    ) -> set[str]:
        """Compare-and-set of the essays' status; returns the ids that were still `current`."""
        statement = (
            sa.update(Essay)
            .where(
                Essay.batch_id == batch_id,
                Essay.essay_id.in_(essay_ids),
                Essay.status == current.value,
            )
            .values(status=target.value, updated_at=sa.func.now())
            .returning(Essay.essay_id)
        )
        return set((await session.execute(statement)).scalars().all())

    async def add_transitions(
        self, session: AsyncSession, transitions: Sequence[TransitionRecord]
    ) -> None:
        if not transitions:
            return
        rows = [
            {
                "batch_id": t.batch_id,
                "essay_id": t.essay_id,
                "from_status": t.from_status.value if t.from_status is not None else None,
                "to_status": t.to_status.value,
                "cause": t.cause,
                "event_id": t.event_id,
                "details": t.details,
            }
            for t in transitions
        ]
        await session.execute(insert(EssayTransition), rows)

    async def add_excess(
        self, session: AsyncSession, incoming: IncomingFile, event_id: str
    ) -> bool:
        statement = (
            insert(ExcessFile)
            .values(
                batch_id=incoming.batch_id,
                file_upload_id=incoming.file_upload_id,
                file_outcome=incoming.outcome.value,
                original_file_name=incoming.original_file_name,
                text_storage_id=incoming.text_storage_id,
                reason_code=incoming.reason_code,
                event_id=event_id,
            )
            .on_conflict_do_nothing(index_elements=["batch_id", "file_upload_id"])
            .returning(ExcessFile.file_upload_id)
        )
        return (await session.execute(statement)).first() is not None

    async def add_pending(
        self, session: AsyncSession, incoming: IncomingFile, event_id: str
    ) -> bool:
        """Keep a file of a batch not registered yet; False if it is already kept."""
        statement = (
            insert(PendingFile)
            .values(
                batch_id=incoming.batch_id,
                file_upload_id=incoming.file_upload_id,
                payload=incoming_to_payload(incoming),
                event_id=event_id,
            )
            .on_conflict_do_nothing(index_elements=["batch_id", "file_upload_id"])
            .returning(PendingFile.file_upload_id)
        )
        return (await session.execute(statement)).first() is not None

    async def take_pending(
        self, session: AsyncSession, batch_id: str
    ) -> list[tuple[IncomingFile, str]]:
        """Remove and return the batch's early files with their event ids, in arrival order."""
        statement = (
            sa.delete(PendingFile)
            .where(PendingFile.batch_id == batch_id)
            .returning(PendingFile.arrival, PendingFile.payload, PendingFile.event_id)
        )
        rows = sorted((await session.execute(statement)).all(), key=lambda row: row.arrival)
        return [(incoming_from_payload(row.payload), row.event_id) for row in rows]

    async def mark_complete(
        self, session: AsyncSession, batch_id: str, status: BatchIntakeStatus, event_id: str
    ) -> None:
        await session.execute(
            sa.update(BatchTracker)
            .where(BatchTracker.batch_id == batch_id)
            .values(
                status=status.value,
                ready_event_id=event_id,
                completed_at=sa.func.now(),
                updated_at=sa.func.now(),
            )
        )

    async def mark_timed_out(self, session: AsyncSession, batch_id: str, event_id: str) -> None:
        await session.execute(
            sa.update(BatchTracker)
            .where(BatchTracker.batch_id == batch_id)
            .values(
                status=BatchIntakeStatus.READINESS_TIMED_OUT.value,
                timeout_event_id=event_id,
                timed_out_at=sa.func.now(),
                updated_at=sa.func.now(),
            )
        )

    async def overdue_batch_ids(
        self, session: AsyncSession, now: datetime, limit: int
    ) -> list[str]:
        """Batches still waiting for content past their readiness deadline, oldest first."""
        statement = (
            sa.select(BatchTracker.batch_id)
            .where(
                BatchTracker.status == BatchIntakeStatus.AWAITING_CONTENT.value,
                BatchTracker.readiness_deadline <= now,
            )
            .order_by(BatchTracker.readiness_deadline)
            .limit(limit)
        )
        return list((await session.scalars(statement)).all())
