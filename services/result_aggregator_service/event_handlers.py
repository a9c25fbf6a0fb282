"""The Kafka handler of every topic RAS consumes: event → view change → cache → notifications.

In one transaction the event is recorded in `processed_events` (a redelivery changes nothing
and publishes nothing), the batch row is locked, the pure projection runs and the new view is
written with its notification counter. After the commit the batch's cached responses are
dropped and the notifications published, in `seq` order.

An event for a batch RAS has no view of yet (its registration may simply not be consumed yet:
topics are consumed independently) is resolved by `MissingBatchPolicy`: ask BOS for the owner
and start the view (BOS 404: the batch does not exist, skip), or skip.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events import BatchEssaysRegistered, EventData, PipelineRequestRejectedV1
from common_core.events.envelope import EventEnvelope
from common_core.notifications import UserNotification
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import ConsumedRecord
from huleedu_service_libs.logging import bind_context

from .config import MissingBatchPolicy
from .domain.projection import (
    may_concern_owner,
    owner_made_rejection,
    project,
    requester_rejection,
)
from .domain.view import BatchView, new_batch_view
from .implementations.view_repository import PostgresViewRepository
from .protocols import BatchDirectory, BatchOwner, CacheInvalidator, Notifier

logger = structlog.get_logger(__name__)

CONSUMER_PREFIX = "ras."


class _Skip(Exception):
    """The event concerns no batch RAS can know of."""


class ResultEventHandler:
    """`handle` is registered with the ConsumerRunner for every consumed topic."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: PostgresViewRepository,
        processed: ProcessedEvents,
        directory: BatchDirectory,
        cache: CacheInvalidator,
        notifier: Notifier,
        missing_batches: MissingBatchPolicy,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._processed = processed
        self._directory = directory
        self._cache = cache
        self._notifier = notifier
        self._missing_batches = missing_batches

    async def handle(self, envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        batch_id = str(envelope.data.batch_id)
        with bind_context(batch_id=batch_id, correlation_id=envelope.correlation_id):
            consumer = f"{CONSUMER_PREFIX}{record.topic}"
            try:
                await self._handle(consumer, envelope, batch_id)
            except _Skip as skip:
                logger.info("event_skipped", topic=record.topic, reason=str(skip))

    async def _handle(self, consumer: str, envelope: EventEnvelope[Any], batch_id: str) -> None:
        data: EventData = envelope.data
        at: datetime = envelope.event_timestamp
        owner = await self._owner_if_unseen(batch_id, data)
        async with self._sessions() as session, session.begin():
            if not await self._processed.record_once(session, consumer, envelope.event_id):
                logger.info("duplicate_event_skipped", consumer=consumer)
                return
            before = await self._repository.load(session, batch_id, for_update=True)
            outcome = self._apply(before, owner, data, at)
            if outcome is None:
                return
            user_id, after, notifications = outcome
            if after is not None:
                await self._repository.save(session, after, before)
        if after is not None:
            await self._cache.invalidate(batch_id, after.user_id)
        with bind_context(user_id=user_id):
            await self._notifier.publish(user_id, notifications)
            logger.info("view_updated", notifications=[n.event.value for n in notifications])

    def _apply(
        self,
        before: BatchView | None,
        owner: BatchOwner | None,
        data: EventData,
        at: datetime,
    ) -> tuple[str, BatchView | None, tuple[UserNotification, ...]] | None:
        """(who to notify, the new view or None for no change, the notifications)."""
        view = before or _view_of(owner, at)
        if isinstance(data, PipelineRequestRejectedV1) and not owner_made_rejection(data, view):
            return data.user_id, None, (requester_rejection(data, at),)
        if view is None:
            if not isinstance(data, BatchEssaysRegistered):
                logger.warning("event_for_unknown_batch_skipped", event=type(data).__name__)
                return None
            view = new_batch_view(data.batch_id, data.user_id, at)
        projection = project(view, data, at)
        return projection.view.user_id, projection.view, projection.notifications

    async def _owner_if_unseen(self, batch_id: str, data: EventData) -> BatchOwner | None:
        """BOS's answer for a batch with no view yet whose event cannot start one itself."""
        if isinstance(data, BatchEssaysRegistered):
            return None
        if isinstance(data, PipelineRequestRejectedV1) and not may_concern_owner(data):
            return None
        if self._missing_batches is MissingBatchPolicy.SKIP:
            return None
        async with self._sessions() as session:
            if await self._repository.exists(session, batch_id):
                return None
        owner = await self._directory.find(batch_id)
        if owner is None:
            raise _Skip("BOS does not know the batch")
        logger.info("unseen_batch_resolved_with_bos", user_id=owner.user_id)
        return owner


def _view_of(owner: BatchOwner | None, at: datetime) -> BatchView | None:
    return new_batch_view(owner.batch_id, owner.user_id, at) if owner else None
