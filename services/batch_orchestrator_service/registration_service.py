"""Registering a batch: the batch row and its BatchEssaysRegistered event in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.field_types import utc_now
from common_core.identity import deterministic_event_id
from huleedu_service_libs.logging import bind_context
from huleedu_service_libs.outbox import OutboxWriter

from .domain.batch import Batch
from .domain.registration import BatchRegistrationRequestV1, new_batch, registered_event
from .protocols import BatchRepository

logger = structlog.get_logger(__name__)


def _new_id() -> str:
    return str(uuid4())


class BatchRegistrar:
    """Stores a new batch with its initial pipeline state and emits BatchEssaysRegistered
    through the outbox, so the event goes out if and only if the batch exists."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: BatchRepository,
        outbox: OutboxWriter,
        service_name: str,
        readiness_timeout: timedelta,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = _new_id,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._outbox = outbox
        self._service_name = service_name
        self._readiness_timeout = readiness_timeout
        self._clock = clock
        self._new_id = new_id

    async def register(self, request: BatchRegistrationRequestV1, correlation_id: UUID) -> Batch:
        batch = new_batch(
            request,
            batch_id=self._new_id(),
            correlation_id=correlation_id,
            now=self._clock(),
            readiness_timeout=self._readiness_timeout,
            new_essay_id=self._new_id,
        )
        envelope = build_envelope(
            ProcessingEvent.BATCH_ESSAYS_REGISTERED,
            registered_event(batch),
            source_service=self._service_name,
            correlation_id=correlation_id,
            event_id=deterministic_event_id(
                ProcessingEvent.BATCH_ESSAYS_REGISTERED, batch_id=batch.batch_id
            ),
        )
        async with self._sessions() as session, session.begin():
            await self._repository.add(session, batch)
            await self._outbox.add(session, envelope, key=batch.batch_id)
        with bind_context(batch_id=batch.batch_id, user_id=batch.user_id):
            logger.info(
                "batch_registered",
                expected_essay_count=batch.context.expected_essay_count,
                course_code=batch.context.course_code.value,
            )
        return batch
