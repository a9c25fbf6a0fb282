"""Pipeline orchestration: client requests, queued requests on readiness, phase outcomes.

Every state change and the events announcing it are written in one transaction, with the batch
row locked (then its run row), so a redelivered or concurrent duplicate changes nothing. BCS is
asked outside the transaction, then the decision is taken again under the lock; if the batch
moved on in between in a way that needs BCS, the handler raises a transient error and the
consumer simply handles the message again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events.envelope import EventEnvelope
from common_core.events.pipeline import ClientBatchPipelineRequestV1, ELSBatchPhaseOutcomeV1
from common_core.field_types import utc_now
from common_core.status_enums import PipelineRejectionReason
from huleedu_service_libs.errors import TransientError
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.logging import bind_context
from huleedu_service_libs.outbox import OutboxWriter

from .domain.batch import Batch, QueuedPipelineRequest
from .domain.phase_commands import unsupported_phases
from .domain.pipeline_requests import (
    AlreadyQueued,
    Queue,
    Reject,
    RequestDecision,
    Start,
    decide_request,
    queue_request,
    settle_queued_request,
    without_queued_request,
)
from .domain.pipeline_runs import (
    OutcomeIgnored,
    PipelineResolution,
    RunStep,
    apply_outcome,
    new_run,
    start_run,
)
from .pipeline_events import PipelineEvents
from .protocols import (
    BatchRepository,
    PipelineResolver,
    PipelineRunRepository,
    UnknownPipelineError,
)

logger = structlog.get_logger(__name__)

REQUEST_CONSUMER = "bos.client_batch_pipeline_request"
OUTCOME_CONSUMER = "bos.els_batch_phase_outcome"


class BatchChangedError(TransientError):
    """The batch changed between asking BCS and taking the lock; handle the message again."""


@dataclass(frozen=True)
class PipelineRequest:
    """A pipeline request, from the client now or kept on the batch until it became ready."""

    batch_id: str
    requested_pipeline: str
    user_id: str
    client_correlation_id: str
    correlation_id: UUID

    @classmethod
    def from_queued(cls, batch_id: str, queued: QueuedPipelineRequest) -> PipelineRequest:
        return cls(
            batch_id=batch_id,
            requested_pipeline=queued.requested_pipeline,
            user_id=queued.user_id,
            client_correlation_id=queued.client_correlation_id,
            correlation_id=queued.correlation_id,
        )

    def to_queued(self, now: datetime) -> QueuedPipelineRequest:
        return QueuedPipelineRequest(
            requested_pipeline=self.requested_pipeline,
            user_id=self.user_id,
            client_correlation_id=self.client_correlation_id,
            correlation_id=self.correlation_id,
            requested_at=now,
        )


Resolved = PipelineResolution | Reject


def _new_run_id() -> str:
    return str(uuid4())


class PipelineOrchestrator:
    """Starts pipeline runs and moves them from phase to phase."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        batches: BatchRepository,
        runs: PipelineRunRepository,
        processed: ProcessedEvents,
        outbox: OutboxWriter,
        resolver: PipelineResolver,
        events: PipelineEvents,
        clock: Callable[[], datetime] = utc_now,
        new_run_id: Callable[[], str] = _new_run_id,
    ) -> None:
        self._sessions = sessions
        self._batches = batches
        self._runs = runs
        self._processed = processed
        self._outbox = outbox
        self._resolver = resolver
        self._events = events
        self._clock = clock
        self._new_run_id = new_run_id

    async def handle_request(self, envelope: EventEnvelope[Any]) -> None:
        """A client's ClientBatchPipelineRequestV1."""
        data: ClientBatchPipelineRequestV1 = envelope.data
        request = PipelineRequest(
            batch_id=data.batch_id,
            requested_pipeline=data.requested_pipeline,
            user_id=data.user_id,
            client_correlation_id=data.client_correlation_id,
            correlation_id=envelope.correlation_id,
        )
        with bind_context(
            batch_id=data.batch_id, user_id=data.user_id, correlation_id=envelope.correlation_id
        ):
            resolved = await self._resolve_if_startable(request, envelope.event_id)
            async with self._sessions() as session, session.begin():
                if not await self._processed.record_once(
                    session, REQUEST_CONSUMER, envelope.event_id
                ):
                    logger.info("duplicate_pipeline_request_skipped")
                    return
                batch = await self._batches.get(session, data.batch_id, for_update=True)
                decision = decide_request(
                    batch, pipeline=data.requested_pipeline, user_id=data.user_id
                )
                await self._apply_decision(session, batch, request, decision, resolved)

    async def start_queued(self, batch_id: str) -> None:
        """Start (or refuse) the request kept on a batch that just became ready (or failed).

        Idempotent by state: once started or refused the request is no longer on the batch.
        """
        async with self._sessions() as session:
            batch = await self._batches.get(session, batch_id)
        if batch is None or batch.pipeline_state.queued_request is None:
            return
        queued = batch.pipeline_state.queued_request
        request = PipelineRequest.from_queued(batch_id, queued)
        with bind_context(
            batch_id=batch_id, user_id=request.user_id, correlation_id=request.correlation_id
        ):
            settled = settle_queued_request(batch)
            resolved = await self._resolve(request) if isinstance(settled, Start) else None
            async with self._sessions() as session, session.begin():
                locked = await self._batches.get(session, batch_id, for_update=True)
                if locked is None or locked.pipeline_state.queued_request != queued:
                    return  # handled by a concurrent delivery
                settled = settle_queued_request(locked)
                if settled is None:
                    return
                locked = without_queued_request(locked, now=self._clock())
                await self._batches.save(session, locked)
                await self._apply_decision(session, locked, request, settled, resolved)

    async def handle_outcome(self, envelope: EventEnvelope[Any]) -> None:
        """ELS's ELSBatchPhaseOutcomeV1: record it, then the next phase or the completion."""
        data: ELSBatchPhaseOutcomeV1 = envelope.data
        with bind_context(batch_id=data.batch_id, correlation_id=envelope.correlation_id):
            async with self._sessions() as session, session.begin():
                if not await self._processed.record_once(
                    session, OUTCOME_CONSUMER, envelope.event_id
                ):
                    logger.info("duplicate_phase_outcome_skipped")
                    return
                batch = await self._batches.get(session, data.batch_id, for_update=True)
                run = await self._runs.get(session, data.pipeline_run_id, for_update=True)
                if batch is None or run is None or run.batch_id != data.batch_id:
                    logger.warning(
                        "phase_outcome_for_unknown_run_skipped",
                        pipeline_run_id=data.pipeline_run_id,
                    )
                    return
                step = apply_outcome(batch, run, data, now=self._clock())
                if isinstance(step, OutcomeIgnored):
                    logger.warning(
                        "stale_phase_outcome_skipped",
                        pipeline_run_id=data.pipeline_run_id,
                        phase=data.phase_name.value,
                        reason=step.note,
                    )
                    return
                await self._write_step(session, step, envelope.correlation_id)
            _log_phase_outcome(data, step)

    async def _resolve_if_startable(
        self, request: PipelineRequest, event_id: UUID
    ) -> Resolved | None:
        """Ask BCS only when the request would start a run (and is not a duplicate)."""
        async with self._sessions() as session:
            if await self._processed.is_processed(session, REQUEST_CONSUMER, event_id):
                return None
            batch = await self._batches.get(session, request.batch_id)
        decision = decide_request(
            batch, pipeline=request.requested_pipeline, user_id=request.user_id
        )
        return await self._resolve(request) if isinstance(decision, Start) else None

    async def _resolve(self, request: PipelineRequest) -> Resolved:
        try:
            resolution = await self._resolver.resolve(
                request.batch_id, request.requested_pipeline, request.correlation_id
            )
        except UnknownPipelineError as exc:
            return Reject(PipelineRejectionReason.UNKNOWN_PIPELINE, str(exc))
        unsupported = unsupported_phases(resolution.final_pipeline)
        if unsupported:
            names = ", ".join(phase.value for phase in unsupported)
            return Reject(
                PipelineRejectionReason.UNKNOWN_PIPELINE, f"phases not available yet: {names}"
            )
        return resolution

    async def _apply_decision(
        self,
        session: AsyncSession,
        batch: Batch | None,
        request: PipelineRequest,
        decision: RequestDecision,
        resolved: Resolved | None,
    ) -> None:
        now = self._clock()
        if isinstance(decision, Start):
            if resolved is None:
                raise BatchChangedError("the batch became ready for a run; resolving again")
            decision = resolved if isinstance(resolved, Reject) else decision
        if isinstance(decision, Reject):
            await self._reject(session, request, decision)
        elif isinstance(decision, Queue):
            assert batch is not None
            await self._batches.save(session, queue_request(batch, request.to_queued(now), now=now))
            logger.info("pipeline_request_queued", pipeline=request.requested_pipeline)
        elif isinstance(decision, AlreadyQueued):
            logger.info("pipeline_request_already_queued", pipeline=request.requested_pipeline)
        else:
            assert batch is not None and isinstance(resolved, PipelineResolution)
            await self._start(session, batch, request, resolved, now=now)

    async def _start(
        self,
        session: AsyncSession,
        batch: Batch,
        request: PipelineRequest,
        resolution: PipelineResolution,
        *,
        now: datetime,
    ) -> None:
        run = new_run(
            batch, request.requested_pipeline, resolution, run_id=self._new_run_id(), now=now
        )
        step = start_run(batch, run, now=now)
        await self._runs.add(
            session,
            step.run,
            requested_by=request.user_id,
            client_correlation_id=request.client_correlation_id,
        )
        await self._batches.save(session, step.batch)
        envelopes = [
            self._events.run_started(run, request.correlation_id),
            *self._events.step(step, request.correlation_id),
        ]
        await self._outbox.add_many(session, [(e, batch.batch_id) for e in envelopes])
        logger.info(
            "pipeline_run_started",
            pipeline=request.requested_pipeline,
            pipeline_run_id=run.pipeline_run_id,
            phases=[phase.value for phase in run.phase_names],
            pruned_phases=[phase.value for phase in run.pruned_phases],
        )

    async def _write_step(self, session: AsyncSession, step: RunStep, correlation_id: UUID) -> None:
        await self._runs.save(session, step.run)
        await self._batches.save(session, step.batch)
        envelopes = self._events.step(step, correlation_id)
        await self._outbox.add_many(session, [(e, step.batch.batch_id) for e in envelopes])

    async def _reject(
        self, session: AsyncSession, request: PipelineRequest, rejection: Reject
    ) -> None:
        envelope = self._events.rejected(
            batch_id=request.batch_id,
            user_id=request.user_id,
            requested_pipeline=request.requested_pipeline,
            rejection=rejection,
            correlation_id=request.correlation_id,
        )
        await self._outbox.add(session, envelope, key=request.batch_id)
        logger.info(
            "pipeline_request_rejected",
            pipeline=request.requested_pipeline,
            reason_code=rejection.reason.value,
        )


def _log_phase_outcome(outcome: ELSBatchPhaseOutcomeV1, step: RunStep) -> None:
    fields = {
        "pipeline_run_id": outcome.pipeline_run_id,
        "phase": outcome.phase_name.value,
        "phase_status": outcome.phase_status.value,
    }
    if step.phase_start is not None:
        logger.info("next_phase_started", next_phase=step.phase_start.phase.value, **fields)
    if step.completion is not None:
        logger.info(
            "pipeline_run_completed",
            final_status=step.completion.final_status.value,
            successful=step.completion.successful_essay_count,
            failed=step.completion.failed_essay_count,
            **fields,
        )
