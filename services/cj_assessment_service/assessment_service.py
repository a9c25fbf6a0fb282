"""Runs one CJ assessment: plan pairs, fetch texts, judge, fit Bradley-Terry, rank, emit.

Idempotency and restarts: the first delivery of a request creates the assessment (unique per
batch and pipeline run) with its essays and planned comparisons in one transaction. Judgements
are stored chunk by chunk. A redelivery after a crash finds the assessment still judging and
judges only what is not stored yet; the final transaction locks the assessment, writes the
ranking (or the failure), the outbox event and the processed-event record together, so a
(batch, run) gets exactly one result event whatever is redelivered or restarted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events import ELSCJAssessmentRequestV1
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.content_client import ContentNotFoundError
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.outbox import OutboxWriter

from .domain.assessment import (
    AssessmentState,
    AssessmentStatus,
    EssayRef,
    JudgedComparison,
    NewAssessment,
    StoredComparison,
    planned_comparisons,
    unique_essays,
)
from .domain.bradley_terry import fit_bradley_terry, rank_essays
from .domain.judging import EssayForJudging, FailureReason, JudgeError, PairContext
from .domain.pairing import generate_pairs, pairing_seed
from .event_factory import CJEventFactory
from .implementations.assessment_repository import AssessmentRepository
from .metrics import CJMetrics
from .protocols import Judge, TextSource

logger = structlog.get_logger(__name__)

REQUEST_CONSUMER = "cj.assessment_requested"
T = TypeVar("T")


@dataclass(frozen=True)
class AssessmentPolicy:
    comparisons_per_essay: int = 8
    pairing_seed: int = 0
    min_essays: int = 2
    chunk_size: int = 16
    prior_strength: float = 0.1
    timeout_s: float = 600.0
    fetch_concurrency: int = 8


@dataclass(frozen=True)
class _Failure:
    reason: str
    message: str

    @classmethod
    def of(cls, reason: FailureReason, message: str) -> _Failure:
        return cls(reason.value, message)


class AssessmentService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: AssessmentRepository,
        processed: ProcessedEvents,
        outbox: OutboxWriter,
        events: CJEventFactory,
        texts: TextSource,
        judge: Judge,
        policy: AssessmentPolicy,
        metrics: CJMetrics,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._processed = processed
        self._outbox = outbox
        self._events = events
        self._texts = texts
        self._judge = judge
        self._policy = policy
        self._metrics = metrics

    async def handle_request(
        self, request: ELSCJAssessmentRequestV1, event_id: UUID, correlation_id: UUID
    ) -> None:
        """Assess the request's essays, or do nothing if its result is already recorded."""
        state = await self._open(self._new_assessment(request, event_id, correlation_id))
        if state is None:
            return
        if len(state.essays) < self._policy.min_essays:
            message = f"{len(state.essays)} essay(s); at least {self._policy.min_essays} needed"
            too_few = _Failure.of(FailureReason.TOO_FEW_ESSAYS, message)
            await self._fail(state, too_few, event_id, correlation_id)
            return
        logger.info(
            "cj_assessment_judging",
            essays=len(state.essays),
            comparisons=len(state.comparisons),
            already_judged=state.judged_count,
            attempt=state.attempts,
            judge=self._judge.name,
        )
        failure = await self._judge_within_deadline(state)
        if failure is not None:
            await self._fail(state, failure, event_id, correlation_id)
            return
        await self._complete(state, event_id, correlation_id)

    def _new_assessment(
        self, request: ELSCJAssessmentRequestV1, event_id: UUID, correlation_id: UUID
    ) -> NewAssessment:
        essays = [
            EssayRef(e.essay_id, e.text_storage_id, e.spelling_error_rate) for e in request.essays
        ]
        return NewAssessment(
            batch_id=request.batch_id,
            pipeline_run_id=request.pipeline_run_id,
            language=request.language.value,
            essay_instructions=request.essay_instructions,
            essays=unique_essays(essays),
            request_event_id=str(event_id),
            correlation_id=str(correlation_id),
            pairing_seed=pairing_seed(
                self._policy.pairing_seed, request.batch_id, request.pipeline_run_id
            ),
            comparisons_per_essay=self._policy.comparisons_per_essay,
        )

    async def _open(self, new: NewAssessment) -> AssessmentState | None:
        with self._stage("open"):
            async with self._sessions() as session, session.begin():
                event_id = new.request_event_id
                if await self._processed.is_processed(session, REQUEST_CONSUMER, event_id):
                    logger.info("duplicate_request_skipped")
                    return None
                state = await self._repository.open(session, new, self._plan(new))
                if state.status is not AssessmentStatus.JUDGING:
                    await self._processed.record_once(session, REQUEST_CONSUMER, event_id)
                    logger.info("assessment_already_finished", status=state.status.value)
                    return None
                return state

    def _plan(self, new: NewAssessment) -> tuple[StoredComparison, ...]:
        if len(new.essays) < max(2, self._policy.min_essays):
            return ()
        ids = [essay.essay_id for essay in new.essays]
        pairs = generate_pairs(ids, new.comparisons_per_essay, seed=new.pairing_seed)
        return planned_comparisons(pairs)

    async def _judge_within_deadline(self, state: AssessmentState) -> _Failure | None:
        deadline = asyncio.timeout(self._policy.timeout_s)
        try:
            async with deadline:
                essays = await self._fetch_texts(state)
                await self._judge_pending(state, essays)
        except ContentNotFoundError as exc:
            message = f"no text stored under {exc.storage_id!r}"
            return _Failure.of(FailureReason.CONTENT_NOT_FOUND, message)
        except JudgeError as exc:
            return _Failure.of(exc.reason, str(exc) or type(exc).__name__)
        except TimeoutError:
            if not deadline.expired():
                raise
            message = f"not finished within {self._policy.timeout_s:g} s"
            return _Failure.of(FailureReason.ASSESSMENT_TIMEOUT, message)
        return None

    async def _fetch_texts(self, state: AssessmentState) -> dict[str, EssayForJudging]:
        needed = {c.essay_a_id for c in state.pending} | {c.essay_b_id for c in state.pending}
        semaphore = asyncio.Semaphore(self._policy.fetch_concurrency)

        async def fetch(essay: EssayRef) -> EssayForJudging:
            async with semaphore:
                text = await self._texts.fetch_text(
                    essay.text_storage_id, correlation_id=state.correlation_id
                )
            return EssayForJudging(
                essay.essay_id, essay.text_storage_id, text, essay.spelling_error_rate
            )

        with self._stage("fetch"):
            fetched = await gather_all(fetch(e) for e in state.essays if e.essay_id in needed)
        return {essay.essay_id: essay for essay in fetched}

    async def _judge_pending(
        self, state: AssessmentState, essays: dict[str, EssayForJudging]
    ) -> None:
        judge = self._judge
        for chunk in chunked(state.pending, self._policy.chunk_size):
            pairs = [
                PairContext(
                    essays[c.essay_a_id],
                    essays[c.essay_b_id],
                    state.essay_instructions,
                    state.language,
                )
                for c in chunk
            ]
            with self._stage("judge"):
                judgements = await gather_all(judge.judge(pair) for pair in pairs)
            judged = [
                JudgedComparison(c.position, j.winner_id(pair), j.confidence, judge.name)
                for c, pair, j in zip(chunk, pairs, judgements, strict=True)
            ]
            with self._stage("store"):
                async with self._sessions() as session, session.begin():
                    await self._repository.record_judgements(session, state.assessment_id, judged)
            self._metrics.comparisons.labels(judge=judge.name).inc(len(judged))

    async def _complete(self, state: AssessmentState, event_id: UUID, correlation_id: UUID) -> None:
        async with self._sessions() as session:
            judged_state = await self._repository.load(session, state.assessment_id)
        with self._stage("fit"):
            fit = fit_bradley_terry(
                [essay.essay_id for essay in judged_state.essays],
                [comparison.outcome() for comparison in judged_state.comparisons],
                prior_strength=self._policy.prior_strength,
            )
            ranking = rank_essays(fit)
        envelope = self._events.completed(
            batch_id=state.batch_id,
            pipeline_run_id=state.pipeline_run_id,
            ranking=ranking,
            comparison_count=len(judged_state.comparisons),
            judge=self._judge.name,
            correlation_id=correlation_id,
        )

        async def write(session: AsyncSession) -> None:
            await self._repository.complete(session, state.assessment_id, ranking, self._judge.name)

        if await self._finish(state, event_id, envelope, write):
            self._metrics.assessments.labels(outcome="completed").inc()
            logger.info(
                "cj_assessment_completed",
                essays=len(ranking),
                comparisons=len(judged_state.comparisons),
                converged=fit.converged,
                best=ranking[0].essay_id,
            )

    async def _fail(
        self, state: AssessmentState, failure: _Failure, event_id: UUID, correlation_id: UUID
    ) -> None:
        envelope = self._events.failed(
            batch_id=state.batch_id,
            pipeline_run_id=state.pipeline_run_id,
            reason=failure.reason,
            message=failure.message,
            correlation_id=correlation_id,
        )

        async def write(session: AsyncSession) -> None:
            await self._repository.fail(
                session, state.assessment_id, failure.reason, failure.message
            )

        if await self._finish(state, event_id, envelope, write):
            self._metrics.assessments.labels(outcome=failure.reason).inc()
            logger.warning("cj_assessment_failed", reason=failure.reason, message=failure.message)

    async def _finish(
        self,
        state: AssessmentState,
        event_id: UUID,
        envelope: EventEnvelope[Any],
        write: Callable[[AsyncSession], Awaitable[None]],
    ) -> bool:
        """Write the result with its event, once: False when another attempt finished first."""
        with self._stage("finish"):
            async with self._sessions() as session, session.begin():
                status = await self._repository.lock_status(session, state.assessment_id)
                await self._processed.record_once(session, REQUEST_CONSUMER, event_id)
                if status is not AssessmentStatus.JUDGING:
                    logger.info("assessment_finished_concurrently", status=status.value)
                    return False
                await write(session)
                await self._outbox.add(session, envelope, key=state.batch_id)
        return True

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._metrics.stage_seconds.labels(stage=name).observe(time.perf_counter() - started)


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Await all; on the first failure (or cancellation) cancel the rest before raising."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        unfinished = [task for task in tasks if not task.done()]
        for task in unfinished:
            task.cancel()
        if unfinished:
            await asyncio.gather(*unfinished, return_exceptions=True)
