"""Consumers of ELS's readiness events: BatchEssaysReady and BatchReadinessTimeout.

Each handler records the event in `processed_events` and applies the status transition in one
transaction, with the batch row locked, so a redelivered or concurrent duplicate changes nothing.
Then a pipeline request kept on the batch is settled (`after_readiness`): started once the batch
is ready, refused if it failed. That step runs on every delivery, even a duplicate one, so a
request whose start failed transiently (BCS down) is started when the event is handled again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events.batch_coordination import BatchEssaysReady, BatchReadinessTimeout
from common_core.events.envelope import EventEnvelope
from common_core.field_types import utc_now
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import ConsumedRecord
from huleedu_service_libs.logging import bind_context

from .domain.batch import Batch
from .domain.readiness import Transition, apply_essays_ready, apply_readiness_timeout
from .protocols import BatchRepository

logger = structlog.get_logger(__name__)

ESSAYS_READY_CONSUMER = "bos.batch_essays_ready"
READINESS_TIMEOUT_CONSUMER = "bos.batch_readiness_timeout"

Transit = Callable[[Batch, datetime], Transition]
AfterReadiness = Callable[[str], Awaitable[None]]


async def _nothing_after_readiness(_batch_id: str) -> None:
    return None


class ReadinessHandlers:
    """Kafka handlers (`ConsumerRunner.add_handler`) for the two readiness events."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchRepository,
        processed: ProcessedEvents,
        after_readiness: AfterReadiness = _nothing_after_readiness,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._processed = processed
        self._after_readiness = after_readiness
        self._clock = clock

    async def on_essays_ready(self, envelope: EventEnvelope[Any], _record: ConsumedRecord) -> None:
        data: BatchEssaysReady = envelope.data

        def transit(batch: Batch, now: datetime) -> Transition:
            return apply_essays_ready(batch, data.essays, data.failed_files, now=now)

        await self._apply(ESSAYS_READY_CONSUMER, envelope, data.batch_id, transit)

    async def on_readiness_timeout(
        self, envelope: EventEnvelope[Any], _record: ConsumedRecord
    ) -> None:
        data: BatchReadinessTimeout = envelope.data

        def transit(batch: Batch, now: datetime) -> Transition:
            return apply_readiness_timeout(
                batch, data.missing_essay_ids, data.ready_essay_count, now=now
            )

        await self._apply(READINESS_TIMEOUT_CONSUMER, envelope, data.batch_id, transit)

    async def _apply(
        self,
        consumer: str,
        envelope: EventEnvelope[Any],
        batch_id: str,
        transit: Transit,
    ) -> None:
        with bind_context(batch_id=batch_id, correlation_id=envelope.correlation_id):
            await self._transit_once(consumer, envelope, batch_id, transit)
            await self._after_readiness(batch_id)

    async def _transit_once(
        self,
        consumer: str,
        envelope: EventEnvelope[Any],
        batch_id: str,
        transit: Transit,
    ) -> None:
        async with self._sessions() as session, session.begin():
            if not await self._processed.record_once(session, consumer, envelope.event_id):
                logger.info("duplicate_event_skipped", consumer=consumer)
                return
            batch = await self._repository.get(session, batch_id, for_update=True)
            if batch is None:
                logger.warning("event_for_unknown_batch_skipped", consumer=consumer)
                return
            transition = transit(batch, self._clock())
            if transition.changed:
                await self._repository.save(session, transition.batch)
        _log_transition(consumer, batch, transition)


def _log_transition(consumer: str, before: Batch, transition: Transition) -> None:
    with bind_context(user_id=before.user_id):
        if not transition.changed:
            logger.info("stale_event_ignored", consumer=consumer, reason=transition.note)
            return
        logger.info(
            "batch_status_changed",
            consumer=consumer,
            from_status=before.status.value,
            to_status=transition.batch.status.value,
            status_reason=transition.batch.status_reason,
            ready_essay_count=transition.batch.ready_essay_count,
        )
