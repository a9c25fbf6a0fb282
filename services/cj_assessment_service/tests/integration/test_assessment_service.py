"""The assessment service on the real database and Content Service: a restart reuses stored
comparisons, a race gives one result, a judge too slow for the deadline fails the assessment.

The assessment service runs directly (no Kafka); its events stay in the outbox, where the test
counts them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.event_enums import topic_name
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.db.tables import OUTBOX_CLAUSE
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.outbox import OutboxWriter
from services.cj_assessment_service.assessment_service import AssessmentPolicy, AssessmentService
from services.cj_assessment_service.config import SERVICE_NAME
from services.cj_assessment_service.domain.judging import Judgement, PairContext
from services.cj_assessment_service.event_factory import CJEventFactory
from services.cj_assessment_service.implementations.assessment_repository import (
    AssessmentRepository,
)
from services.cj_assessment_service.implementations.heuristic_judge import HeuristicJudge
from services.cj_assessment_service.metrics import CJMetrics
from services.cj_assessment_service.models_db import ComparisonRow
from services.cj_assessment_service.tests.integration.support import (
    E,
    assessment_of,
    new_id,
    request,
)

pytestmark = pytest.mark.integration

COMPARISONS_PER_ESSAY = 8
TOTAL = 5 * COMPARISONS_PER_ESSAY // 2


class CountingJudge:
    """The heuristic judge, counting its calls; crashes (a transient error, as a dying
    connection would) once `crash_after` calls have been answered."""

    def __init__(self, crash_after: int | None = None) -> None:
        self._inner = HeuristicJudge(default_target_words=350)
        self._crash_after = crash_after
        self.calls = 0

    @property
    def name(self) -> str:
        return self._inner.name

    async def judge(self, pair: PairContext) -> Judgement:
        if self._crash_after is not None and self.calls >= self._crash_after:
            raise ConnectionResetError("judge connection lost")
        self.calls += 1
        await asyncio.sleep(0)
        return await self._inner.judge(pair)


@pytest_asyncio.fixture
async def content(content_url: str, api_key: str) -> AsyncIterator[ContentServiceClient]:
    client = ContentServiceClient.create(content_url, service_id=SERVICE_NAME, api_key=api_key)
    yield client
    await client.close()


class SlowJudge(CountingJudge):
    async def judge(self, pair: PairContext) -> Judgement:
        await asyncio.sleep(0.5)
        return await super().judge(pair)


def _service(
    sessions: async_sessionmaker[AsyncSession],
    content: ContentServiceClient,
    judge: CountingJudge,
    **policy: Any,
) -> AssessmentService:
    return AssessmentService(
        sessions=sessions,
        repository=AssessmentRepository(),
        processed=ProcessedEvents(),
        outbox=OutboxWriter(SERVICE_NAME),
        events=CJEventFactory(SERVICE_NAME),
        texts=content,
        judge=judge,
        policy=AssessmentPolicy(
            **{"comparisons_per_essay": COMPARISONS_PER_ESSAY, "chunk_size": 4, **policy}
        ),
        metrics=CJMetrics.create(CollectorRegistry()),
    )


async def _judged(sessions: async_sessionmaker[AsyncSession], assessment_id: int) -> int:
    statement = sa.select(sa.func.count()).where(
        ComparisonRow.assessment_id == assessment_id, ComparisonRow.winner_id.is_not(None)
    )
    async with sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def _results_in_outbox(sessions: async_sessionmaker[AsyncSession], batch_id: str) -> int:
    topics = [topic_name(E.CJ_ASSESSMENT_COMPLETED), topic_name(E.CJ_ASSESSMENT_FAILED)]
    statement = sa.select(sa.func.count()).where(
        OUTBOX_CLAUSE.c.key == batch_id, OUTBOX_CLAUSE.c.topic.in_(topics)
    )
    async with sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def test_a_restarted_assessment_judges_only_what_was_not_stored(
    sessions: async_sessionmaker[AsyncSession],
    content: ContentServiceClient,
    sample_ids: list[str],
) -> None:
    batch_id = new_id("batch")
    envelope = request(batch_id, sample_ids)
    crashing = CountingJudge(crash_after=9)  # chunks of 4: two chunks stored, the third lost

    with pytest.raises(ConnectionResetError):
        await _service(sessions, content, crashing).handle_request(
            envelope.data, envelope.event_id, envelope.correlation_id
        )
    row = await assessment_of(sessions, batch_id)
    assert row is not None and row.status == "judging"
    assert await _judged(sessions, row.id) == 8
    assert await _results_in_outbox(sessions, batch_id) == 0

    resumed = CountingJudge()
    await _service(sessions, content, resumed).handle_request(
        envelope.data, envelope.event_id, envelope.correlation_id
    )
    redelivered = CountingJudge()
    await _service(sessions, content, redelivered).handle_request(
        envelope.data, envelope.event_id, envelope.correlation_id
    )

    assert resumed.calls == TOTAL - 8
    assert redelivered.calls == 0
    assert await _judged(sessions, row.id) == TOTAL
    assert await _results_in_outbox(sessions, batch_id) == 1
    finished = await assessment_of(sessions, batch_id)
    assert finished is not None and finished.status == "completed" and finished.attempts == 2


async def test_two_concurrent_deliveries_of_one_request_give_one_result(
    sessions: async_sessionmaker[AsyncSession],
    content: ContentServiceClient,
    sample_ids: list[str],
) -> None:
    batch_id = new_id("batch")
    first = request(batch_id, sample_ids)
    second = request(batch_id, sample_ids, event_id=uuid.uuid4())
    judges = [CountingJudge(), CountingJudge()]

    await asyncio.gather(
        *(
            _service(sessions, content, judge).handle_request(
                envelope.data, envelope.event_id, envelope.correlation_id
            )
            for judge, envelope in zip(judges, (first, second), strict=True)
        )
    )

    assert await _results_in_outbox(sessions, batch_id) == 1
    row = await assessment_of(sessions, batch_id)
    assert row is not None and row.status == "completed"
    assert await _judged(sessions, row.id) == TOTAL


async def test_a_judge_too_slow_for_the_deadline_fails_the_assessment_once(
    sessions: async_sessionmaker[AsyncSession],
    content: ContentServiceClient,
    sample_ids: list[str],
) -> None:
    batch_id = new_id("batch")
    envelope = request(batch_id, sample_ids)
    slow = SlowJudge()
    service = _service(sessions, content, slow, timeout_s=1.2)

    started = asyncio.get_running_loop().time()
    await service.handle_request(envelope.data, envelope.event_id, envelope.correlation_id)
    elapsed = asyncio.get_running_loop().time() - started
    await service.handle_request(envelope.data, envelope.event_id, envelope.correlation_id)

    row = await assessment_of(sessions, batch_id)
    assert row is not None and row.status == "failed"
    assert row.failure_reason == "assessment_timeout"
    assert elapsed < 10.0 and slow.calls < TOTAL
    assert await _results_in_outbox(sessions, batch_id) == 1
