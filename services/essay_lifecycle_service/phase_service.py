"""Running processing phases: commands in, per-essay outcomes, one phase outcome out.

Every change runs in one transaction that records the consumed event once, takes the batch's
lock, changes runs and essays, and adds the outgoing events to the outbox. The lock makes the
last outcome of a run visible to exactly one transaction — whether it comes from a result, a
batch-wide result or the timeout sweep — so the phase outcome is announced exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events.base import EssayTextRef
from common_core.field_types import utc_now
from common_core.status_enums import EssayStatus
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.outbox import OutboxWriter
from services.essay_lifecycle_service.domain.essay_states import (
    PHASE_SUCCESS_STATUSES,
    PhaseStates,
)
from services.essay_lifecycle_service.domain.phase_runs import (
    EssayOutcome,
    RunKey,
    RunStatus,
    sort_outcomes,
    summarise_run,
    unsettled_failures,
)
from services.essay_lifecycle_service.event_factory import EventFactory
from services.essay_lifecycle_service.implementations.intake_repository import TransitionRecord
from services.essay_lifecycle_service.implementations.phase_repository import (
    NewRun,
    PhaseRepository,
)
from services.essay_lifecycle_service.metrics import PhaseMetrics
from services.essay_lifecycle_service.phases.base import (
    PhaseCommand,
    PhaseRegistry,
    PhaseResults,
    PriorDetails,
)
from services.essay_lifecycle_service.transitions import EssayTransitions

logger = structlog.get_logger(__name__)

PHASE_TIMEOUT_ERROR = "phase_timeout: no result arrived before the phase deadline"


@dataclass(frozen=True, slots=True)
class Consumed:
    """The consumed event a change comes from: its processed-events consumer and ids."""

    consumer: str
    event_id: UUID
    correlation_id: UUID


class PhaseService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repository: PhaseRepository,
        transitions: EssayTransitions,
        outbox: OutboxWriter,
        events: EventFactory,
        registry: PhaseRegistry,
        *,
        phase_timeout_s: float,
        clock: Callable[[], datetime] = utc_now,
        processed: ProcessedEvents | None = None,
        metrics: PhaseMetrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._repo = repository
        self._transitions = transitions
        self._outbox = outbox
        self._events = events
        self._registry = registry
        self._timeout = timedelta(seconds=phase_timeout_s)
        self._clock = clock
        self._processed = processed or ProcessedEvents()
        self._metrics = metrics or PhaseMetrics()

    # -- consumed events ---------------------------------------------------------------------

    async def start_phase(self, command: PhaseCommand, consumed: Consumed) -> None:
        """Record the run, move its essays into the phase and send the phase's requests.
        Essays that cannot enter the phase (unknown, unusable, busy in another phase) fail at
        once; if none can, the run's outcome goes out right away."""
        handler = self._registry.handler(command.phase)
        async with self._sessions() as session, session.begin():
            if not await self._first_time(session, consumed):
                return
            await self._repo.lock_batch(session, command.batch_id)
            if not await self._repo.insert_run(
                session, self._new_run(command, consumed), command.essays
            ):
                logger.warning("phase_run_already_started", phase=command.phase.value)
                return
            entered = await self._enter(session, handler.states, command, consumed)
            await self._refuse(session, command, entered, consumed)
            dispatched = [essay for essay in command.essays if essay.essay_id in entered]
            if dispatched:
                await self._dispatch(session, command, dispatched, consumed.correlation_id)
            await self._complete_if_settled(session, command.key, str(consumed.correlation_id))
        self._metrics.run(command.phase.value, "started")
        logger.info(
            "phase_started",
            phase=command.phase.value,
            pipeline_run_id=command.pipeline_run_id,
            dispatched=len(dispatched),
            refused=len(command.essays) - len(dispatched),
        )

    async def record_results(self, results: PhaseResults, consumed: Consumed) -> None:
        """Record the outcomes a result reports; stale ones (another or a finished run, an
        essay not in the run, an outcome already recorded) are logged and skipped."""
        phase = results.phase.value
        async with self._sessions() as session, session.begin():
            if not await self._first_time(session, consumed):
                return
            await self._repo.lock_batch(session, results.batch_id)
            run = await self._repo.get_run(session, results.key)
            if run is None or run.status is RunStatus.COMPLETED:
                reason = "unknown_run" if run is None else "run_completed"
                self._metrics.outcomes(phase, reason, len(results.outcomes) or 1)
                logger.warning(
                    "stale_phase_result_skipped",
                    phase=phase,
                    reason=reason,
                    pipeline_run_id=results.pipeline_run_id,
                )
                return
            essays = await self._repo.run_essays(session, results.key)
            sorted_ = sort_outcomes(
                essays, results.outcomes, rest_failed_with=results.rest_failed_with
            )
            for essay_id, skip in sorted_.skipped:
                self._metrics.outcomes(phase, skip.value)
                logger.warning(
                    "stale_essay_result_skipped", phase=phase, essay_id=essay_id, reason=skip.value
                )
            await self._settle(
                session, results.key, sorted_.accepted, consumed.event_id, cause=f"{phase}_result"
            )
            self._metrics.outcomes(phase, "result", len(sorted_.accepted))
            await self._complete_if_settled(session, run.key, run.correlation_id)

    async def finish_pipeline(
        self, batch_id: str, pipeline_run_id: str, consumed: Consumed
    ) -> None:
        """BOS finished the pipeline run: its essays that came through a phase successfully
        have completed all processing."""
        async with self._sessions() as session, session.begin():
            if not await self._first_time(session, consumed):
                return
            await self._repo.lock_batch(session, batch_id)
            essay_ids = await self._repo.essays_of_pipeline_run(session, batch_id, pipeline_run_id)
            if not essay_ids:
                logger.info("pipeline_completed_for_unknown_run", pipeline_run_id=pipeline_run_id)
                return
            statuses = await self._repo.essay_statuses(session, batch_id, essay_ids)
            done = [
                TransitionRecord(
                    batch_id,
                    essay_id,
                    status,
                    EssayStatus.ALL_PROCESSING_COMPLETED,
                    "pipeline_completed",
                    str(consumed.event_id),
                    {"pipeline_run_id": pipeline_run_id},
                )
                for essay_id, status in statuses.items()
                if status in PHASE_SUCCESS_STATUSES
            ]
            await self._transitions.apply_many(session, done)

    # -- phase timeout -----------------------------------------------------------------------

    async def time_out_overdue_runs(self, now: datetime, limit: int) -> int:
        """Fail the missing essays of runs past their deadline and announce their outcome;
        returns how many runs this call finished. A run whose batch lock is busy is left for
        the next sweep."""
        async with self._sessions() as session:
            overdue = await self._repo.overdue_runs(session, now, limit)
        finished = 0
        for key in overdue:
            if await self._time_out(key, now):
                finished += 1
        return finished

    async def _time_out(self, key: RunKey, now: datetime) -> bool:
        async with self._sessions() as session, session.begin():
            if not await self._repo.try_lock_batch(session, key.batch_id):
                return False
            run = await self._repo.get_run(session, key)
            if run is None or run.status is not RunStatus.IN_PROGRESS or run.deadline > now:
                return False
            missing = unsettled_failures(
                await self._repo.run_essays(session, key), PHASE_TIMEOUT_ERROR
            )
            await self._settle(session, key, missing, None, cause="phase_timeout")
            self._metrics.outcomes(key.phase.value, "timeout", len(missing))
            await self._complete_if_settled(session, run.key, run.correlation_id)
        logger.warning(
            "phase_run_timed_out",
            batch_id=key.batch_id,
            pipeline_run_id=key.pipeline_run_id,
            phase=key.phase.value,
            missing=len(missing),
        )
        return True

    # -- internals ---------------------------------------------------------------------------

    async def _first_time(self, session: AsyncSession, consumed: Consumed) -> bool:
        if await self._processed.record_once(session, consumed.consumer, consumed.event_id):
            return True
        logger.info("duplicate_event_skipped", event_id=str(consumed.event_id))
        return False

    def _new_run(self, command: PhaseCommand, consumed: Consumed) -> NewRun:
        now = self._clock()
        return NewRun(
            key=command.key,
            language=command.language.value,
            essay_instructions=command.essay_instructions,
            correlation_id=str(consumed.correlation_id),
            command_event_id=str(consumed.event_id),
            started_at=now,
            deadline=now + self._timeout,
        )

    async def _enter(
        self, session: AsyncSession, states: PhaseStates, command: PhaseCommand, consumed: Consumed
    ) -> set[str]:
        """Move the command's essays to awaiting, then in progress; returns those that moved."""
        ids = [essay.essay_id for essay in command.essays]
        statuses = await self._repo.essay_statuses(session, command.batch_id, ids)
        moves = _PhaseEntry(command, str(consumed.event_id))
        awaiting = await self._transitions.apply_many(session, moves.to(statuses, states.awaiting))
        in_awaiting = dict.fromkeys(sorted(awaiting), states.awaiting)
        return await self._transitions.apply_many(
            session, moves.to(in_awaiting, states.in_progress)
        )

    async def _refuse(
        self, session: AsyncSession, command: PhaseCommand, entered: set[str], consumed: Consumed
    ) -> None:
        refused = [
            EssayOutcome(
                essay.essay_id,
                False,
                error=f"not_eligible: the essay could not enter {command.phase.value}",
            )
            for essay in command.essays
            if essay.essay_id not in entered
        ]
        if refused:
            await self._repo.record_outcomes(session, command.key, refused, str(consumed.event_id))
            self._metrics.outcomes(command.phase.value, "not_eligible", len(refused))
            logger.warning(
                "essays_not_eligible_for_phase",
                phase=command.phase.value,
                essay_ids=[outcome.essay_id for outcome in refused],
            )

    async def _dispatch(
        self,
        session: AsyncSession,
        command: PhaseCommand,
        essays: Sequence[EssayTextRef],
        correlation_id: UUID,
    ) -> None:
        handler = self._registry.handler(command.phase)
        prior: PriorDetails = {}
        if handler.reads_results_of is not None:
            ids = [essay.essay_id for essay in essays]
            prior = await self._repo.latest_success_details(
                session, command.batch_id, handler.reads_results_of, ids
            )
        requests = handler.requests(command, essays, prior)
        items = [(self._events.outgoing(r, correlation_id), command.batch_id) for r in requests]
        await self._outbox.add_many(session, items)

    async def _settle(
        self,
        session: AsyncSession,
        key: RunKey,
        outcomes: Sequence[EssayOutcome],
        event_id: UUID | None,
        *,
        cause: str,
    ) -> None:
        """Store the outcomes and move each essay from in progress to success or failed."""
        event = str(event_id) if event_id is not None else None
        stored = await self._repo.record_outcomes(session, key, outcomes, event)
        states = self._registry.handler(key.phase).states
        moves = [
            TransitionRecord(
                key.batch_id,
                outcome.essay_id,
                states.in_progress,
                states.success if outcome.succeeded else states.failed,
                cause,
                event,
                _transition_details(key, outcome),
            )
            for outcome in outcomes
            if outcome.essay_id in stored
        ]
        await self._transitions.apply_many(session, moves)

    async def _complete_if_settled(
        self, session: AsyncSession, key: RunKey, correlation_id: str
    ) -> None:
        """Announce the run's outcome if every essay of it has one now."""
        if await self._repo.unsettled_count(session, key):
            return
        summary = summarise_run(await self._repo.run_essays(session, key))
        if summary is None:
            return
        envelope = self._events.phase_outcome(key, summary, UUID(correlation_id))
        await self._outbox.add(session, envelope, key=key.batch_id)
        await self._repo.mark_completed(session, key, summary.status, str(envelope.event_id))
        self._metrics.run(key.phase.value, summary.status.value)
        logger.info(
            "phase_outcome",
            batch_id=key.batch_id,
            pipeline_run_id=key.pipeline_run_id,
            phase=key.phase.value,
            status=summary.status.value,
            processed=len(summary.processed),
            failed=len(summary.failed_essay_ids),
        )


@dataclass(frozen=True, slots=True)
class _PhaseEntry:
    """The transitions of essays entering a phase on a command."""

    command: PhaseCommand
    event_id: str

    def to(self, current: dict[str, EssayStatus], target: EssayStatus) -> list[TransitionRecord]:
        details = {"pipeline_run_id": self.command.pipeline_run_id}
        return [
            TransitionRecord(
                self.command.batch_id,
                essay_id,
                status,
                target,
                "phase_command",
                self.event_id,
                details,
            )
            for essay_id, status in current.items()
        ]


def _transition_details(key: RunKey, outcome: EssayOutcome) -> dict[str, object]:
    details: dict[str, object] = {"pipeline_run_id": key.pipeline_run_id, **outcome.details}
    if outcome.output_text_storage_id is not None:
        details["output_text_storage_id"] = outcome.output_text_storage_id
    if outcome.error is not None:
        details["error"] = outcome.error
    return details
