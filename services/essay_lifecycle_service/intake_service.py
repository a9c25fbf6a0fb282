"""Batch intake: registration, placing each uploaded file in a slot, readiness and timeouts.

Every change to a batch runs in one transaction that (1) records the consumed event once,
(2) takes the batch's lock, (3) changes the slots and (4) adds the outgoing events to the
outbox — so a crash at any point leaves either all of it or none of it, and a redelivered
event finds its record and does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import ProcessingEvent
from common_core.events import BatchEssaysRegistered
from common_core.status_enums import EssayStatus
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.outbox import OutboxWriter
from services.essay_lifecycle_service.domain.readiness import (
    BatchIntakeStatus,
    ReadinessOutcome,
    evaluate_readiness,
    summarise_timeout,
)
from services.essay_lifecycle_service.domain.slot_assignment import (
    AlreadyPlaced,
    Excess,
    decide_placement,
)
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile, Slot
from services.essay_lifecycle_service.event_factory import EventFactory
from services.essay_lifecycle_service.implementations.intake_repository import (
    IntakeRepository,
    NewBatch,
    TrackerRecord,
    TransitionRecord,
)
from services.essay_lifecycle_service.metrics import IntakeMetrics
from services.essay_lifecycle_service.transitions import EssayTransitions

logger = structlog.get_logger(__name__)

_S = EssayStatus
REGISTERED_CONSUMER = ProcessingEvent.BATCH_ESSAYS_REGISTERED.value


def file_consumer(outcome: FileOutcome) -> str:
    """The processed-events consumer name of the event kind that announces a file."""
    if outcome is FileOutcome.CONTENT:
        return ProcessingEvent.ESSAY_CONTENT_READY.value
    return ProcessingEvent.ESSAY_VALIDATION_FAILED.value


class SlotTakenError(RuntimeError):
    """A slot chosen under the batch lock was filled meanwhile (retried by the consumer)."""


class IntakeService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: IntakeRepository,
        outbox: OutboxWriter,
        events: EventFactory,
        transitions: EssayTransitions | None = None,
        processed: ProcessedEvents | None = None,
        metrics: IntakeMetrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._repo = repository
        self._outbox = outbox
        self._events = events
        self._transitions = transitions or EssayTransitions(repository)
        self._processed = processed or ProcessedEvents()
        self._metrics = metrics or IntakeMetrics()

    # -- consumed events ---------------------------------------------------------------------

    async def register_batch(
        self, data: BatchEssaysRegistered, event_id: UUID, correlation_id: UUID
    ) -> None:
        """Create the tracker and one slot per essay id, then place files that came early."""
        batch = NewBatch(
            batch_id=data.batch_id,
            user_id=data.user_id,
            essay_ids=data.essay_ids,
            readiness_deadline=data.readiness_deadline,
            correlation_id=str(correlation_id),
        )
        async with self._sessions() as session, session.begin():
            if not await self._processed.record_once(session, REGISTERED_CONSUMER, event_id):
                logger.info("duplicate_event_skipped", event_id=str(event_id))
                return
            await self._repo.lock_batch(session, batch.batch_id)
            if not await self._repo.insert_tracker(session, batch):
                logger.warning("batch_already_registered", batch_id=batch.batch_id)
                return
            await self._create_slots(session, batch, str(event_id))
            early_files = await self._repo.take_pending(session, batch.batch_id)
            for incoming, early_event_id in early_files:
                await self._place(session, incoming, early_event_id, correlation_id)
            if early_files:
                tracker = await self._require_tracker(session, batch.batch_id)
                await self._complete_if_full(session, tracker)
        logger.info("batch_registered", batch_id=batch.batch_id, slots=len(batch.essay_ids))

    async def accept_file(
        self, incoming: IncomingFile, event_id: UUID, correlation_id: UUID
    ) -> None:
        """Place a usable or failed file in a free slot of its batch (or keep it until the
        batch is registered); announce the batch when this filled its last slot."""
        consumer = file_consumer(incoming.outcome)
        async with self._sessions() as session, session.begin():
            if not await self._processed.record_once(session, consumer, event_id):
                logger.info("duplicate_event_skipped", event_id=str(event_id))
                return
            await self._repo.lock_batch(session, incoming.batch_id)
            tracker = await self._repo.get_tracker(session, incoming.batch_id)
            if tracker is None:
                await self._keep_until_registered(session, incoming, str(event_id))
                return
            if await self._place(session, incoming, str(event_id), correlation_id):
                await self._complete_if_full(session, tracker)

    # -- readiness timeout -------------------------------------------------------------------

    async def time_out_overdue_batches(self, now: datetime, limit: int) -> int:
        """Announce BatchReadinessTimeout for waiting batches past their deadline; returns how
        many this call announced. Safe with several workers: each batch is re-checked under its
        lock, and a batch whose lock is busy is left for the next sweep."""
        async with self._sessions() as session:
            overdue = await self._repo.overdue_batch_ids(session, now, limit)
        announced = 0
        for batch_id in overdue:
            if await self._time_out(batch_id, now):
                announced += 1
        return announced

    async def _time_out(self, batch_id: str, now: datetime) -> bool:
        async with self._sessions() as session, session.begin():
            if not await self._repo.try_lock_batch(session, batch_id):
                return False
            tracker = await self._repo.get_tracker(session, batch_id)
            if tracker is None or tracker.status is not BatchIntakeStatus.AWAITING_CONTENT:
                return False
            if tracker.readiness_deadline > now:
                return False
            summary = summarise_timeout(await self._repo.load_slots(session, batch_id))
            if summary is None:
                return False
            correlation_id = UUID(tracker.correlation_id)
            envelope = self._events.readiness_timeout(batch_id, summary, correlation_id)
            await self._outbox.add(session, envelope, key=batch_id)
            await self._repo.mark_timed_out(session, batch_id, str(envelope.event_id))
        self._metrics.batch("readiness_timeout")
        logger.warning(
            "batch_readiness_timed_out",
            batch_id=batch_id,
            missing=len(summary.missing_essay_ids),
            ready=summary.ready_essay_count,
        )
        return True

    # -- internals ---------------------------------------------------------------------------

    async def _create_slots(self, session: AsyncSession, batch: NewBatch, event_id: str) -> None:
        await self._repo.insert_slots(session, batch)
        created = [
            TransitionRecord(
                batch.batch_id, essay_id, None, _S.AWAITING_CONTENT, "batch_registered", event_id
            )
            for essay_id in batch.essay_ids
        ]
        await self._transitions.record(session, created)

    async def _keep_until_registered(
        self, session: AsyncSession, incoming: IncomingFile, event_id: str
    ) -> None:
        kept = await self._repo.add_pending(session, incoming, event_id)
        self._metrics.file("early" if kept else "repeat")
        logger.info(
            "file_kept_until_registration" if kept else "early_file_already_kept",
            batch_id=incoming.batch_id,
            file_upload_id=incoming.file_upload_id,
        )

    async def _place(
        self, session: AsyncSession, incoming: IncomingFile, event_id: str, correlation_id: UUID
    ) -> bool:
        """Apply the placement decision; True when the file took what may be the batch's last
        free slot (then readiness is worth checking)."""
        candidates = await self._repo.placement_candidates(session, incoming)
        decision = decide_placement(candidates, incoming)
        if isinstance(decision, AlreadyPlaced):
            self._metrics.file("repeat")
            logger.info(
                "file_already_placed",
                batch_id=incoming.batch_id,
                file_upload_id=incoming.file_upload_id,
                essay_id=decision.essay_id,
            )
            return False
        if isinstance(decision, Excess):
            await self._record_excess(session, incoming, event_id, correlation_id)
            return False
        slot = next(c for c in candidates if c.essay_id == decision.essay_id)
        await self._fill(session, slot, incoming, event_id)
        return sum(c.is_free for c in candidates) == 1

    async def _fill(
        self, session: AsyncSession, slot: Slot, incoming: IncomingFile, event_id: str
    ) -> None:
        if not await self._repo.fill_slot(session, slot.essay_id, incoming):
            raise SlotTakenError(f"slot {slot.essay_id} of {incoming.batch_id} was taken")
        failed = incoming.outcome is FileOutcome.FAILED
        self._metrics.file("failed_slot" if failed else "slot")
        entry = TransitionRecord(
            batch_id=incoming.batch_id,
            essay_id=slot.essay_id,
            from_status=slot.status,
            to_status=_S.CONTENT_FAILED if failed else slot.status,
            cause="validation_failed" if failed else "content_assigned",
            event_id=event_id,
            details=_file_details(incoming),
        )
        if failed:
            await self._transitions.apply(session, entry)
        else:
            await self._transitions.record(session, [entry])
        logger.info(
            "file_assigned",
            batch_id=incoming.batch_id,
            essay_id=slot.essay_id,
            file_upload_id=incoming.file_upload_id,
            outcome=incoming.outcome.value,
        )

    async def _record_excess(
        self, session: AsyncSession, incoming: IncomingFile, event_id: str, correlation_id: UUID
    ) -> None:
        recorded = await self._repo.add_excess(session, incoming, event_id)
        self._metrics.file("excess" if recorded else "repeat")
        if not recorded:
            logger.info(
                "file_already_excess",
                batch_id=incoming.batch_id,
                file_upload_id=incoming.file_upload_id,
            )
            return
        # Only usable content is announced: a failed file has no text to provision.
        if incoming.outcome is FileOutcome.CONTENT:
            envelope = self._events.excess_content(incoming, correlation_id)
            await self._outbox.add(session, envelope, key=incoming.batch_id)
        logger.warning(
            "excess_file",
            batch_id=incoming.batch_id,
            file_upload_id=incoming.file_upload_id,
            outcome=incoming.outcome.value,
        )

    async def _complete_if_full(self, session: AsyncSession, tracker: TrackerRecord) -> None:
        if tracker.ready_event_id is not None:
            return
        slots = await self._repo.load_slots(session, tracker.batch_id)
        outcome = evaluate_readiness(slots)
        if outcome is None:
            return
        envelope = self._events.batch_essays_ready(
            tracker.batch_id, outcome, UUID(tracker.correlation_id)
        )
        event_id = str(envelope.event_id)
        await self._mark_usable_ready(tracker.batch_id, session, slots, outcome, event_id)
        await self._outbox.add(session, envelope, key=tracker.batch_id)
        status = BatchIntakeStatus.FAILED if outcome.batch_failed else BatchIntakeStatus.READY
        await self._repo.mark_complete(session, tracker.batch_id, status, event_id)
        self._metrics.batch(status.value)
        logger.info(
            "batch_essays_ready",
            batch_id=tracker.batch_id,
            essays=len(outcome.usable),
            failed_files=len(outcome.failed),
            batch_failed=outcome.batch_failed,
        )

    async def _mark_usable_ready(
        self,
        batch_id: str,
        session: AsyncSession,
        slots: Sequence[Slot],
        outcome: ReadinessOutcome,
        event_id: str,
    ) -> None:
        status_of = {slot.essay_id: slot.status for slot in slots}
        ready = [
            TransitionRecord(
                batch_id=batch_id,
                essay_id=filled.essay_id,
                from_status=status_of[filled.essay_id],
                to_status=_S.READY_FOR_PROCESSING,
                cause="batch_complete",
                event_id=event_id,
            )
            for filled in outcome.usable
        ]
        await self._transitions.apply_many(session, ready)

    async def _require_tracker(self, session: AsyncSession, batch_id: str) -> TrackerRecord:
        tracker = await self._repo.get_tracker(session, batch_id)
        if tracker is None:
            raise LookupError(f"batch {batch_id} vanished inside its own transaction")
        return tracker


def _file_details(incoming: IncomingFile) -> dict[str, str]:
    details = {
        "file_upload_id": incoming.file_upload_id,
        "original_file_name": incoming.original_file_name,
    }
    if incoming.reason_code:
        details["reason_code"] = incoming.reason_code
    return details
