"""The service as a process: kill -9 mid-assessment, start it again, exactly one result."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from scripts.launcher.platform import Platform
from services.cj_assessment_service.config import SERVICE_NAME
from services.cj_assessment_service.domain.pairing import planned_comparison_count
from services.cj_assessment_service.models_db import AssessmentRow, ComparisonRow
from services.cj_assessment_service.tests.integration.support import (
    ResultWatcher,
    assessment_of,
    new_id,
    publish,
    request,
    skip_to_end,
)

pytestmark = [pytest.mark.integration, pytest.mark.functional]

ESSAYS = 20
COMPARISONS_PER_ESSAY = 60
TOTAL = planned_comparison_count(ESSAYS, COMPARISONS_PER_ESSAY)
# A big assessment stored one comparison per transaction: seconds of judging to kill into.
SETTINGS = {"COMPARISONS_PER_ESSAY": str(COMPARISONS_PER_ESSAY), "JUDGING_CHUNK_SIZE": "1"}


@pytest_asyncio.fixture
async def cj_sessions(
    platform: Platform, content_url: str
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if not (SERVICE_NAME in platform.services and platform.is_running(SERVICE_NAME)):
        await skip_to_end(platform.infra.kafka_bootstrap, SERVICE_NAME)
    platform.configure_service(SERVICE_NAME, SETTINGS)
    await platform.start_services([SERVICE_NAME])
    engine = create_async_engine_from_settings(platform.infra.database_url("cj"), 2)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()
        platform.configure_service(SERVICE_NAME, None)
        await platform.stop(SERVICE_NAME)


async def _judged(
    sessions: async_sessionmaker[AsyncSession], batch_id: str, before: datetime | None = None
) -> int:
    statement = (
        sa.select(sa.func.count())
        .select_from(ComparisonRow)
        .join(AssessmentRow, AssessmentRow.id == ComparisonRow.assessment_id)
        .where(AssessmentRow.batch_id == batch_id, ComparisonRow.winner_id.is_not(None))
    )
    if before is not None:
        statement = statement.where(ComparisonRow.judged_at < before)
    async with sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def _now(sessions: async_sessionmaker[AsyncSession]) -> datetime:
    async with sessions() as session:
        now: datetime = (await session.execute(sa.select(sa.func.clock_timestamp()))).scalar_one()
        return now


async def test_a_service_killed_mid_assessment_resumes_and_emits_one_result(
    platform: Platform,
    cj_sessions: async_sessionmaker[AsyncSession],
    sample_ids: list[str],
) -> None:
    sessions, batch_id = cj_sessions, new_id("batch")
    storage_ids = [sample_ids[i % len(sample_ids)] for i in range(ESSAYS)]

    async with ResultWatcher(platform.infra.kafka_bootstrap) as watcher:
        await publish(platform.infra.kafka_bootstrap, [request(batch_id, storage_ids)])
        await _wait_for_progress(sessions, batch_id)
        await platform.kill(SERVICE_NAME)
        killed_at = await _now(sessions)

        judged_at_kill = await _judged(sessions, batch_id)
        row = await assessment_of(sessions, batch_id)
        assert 0 < judged_at_kill < TOTAL  # the kill landed mid-assessment
        assert row is not None and row.status == "judging" and watcher.of(batch_id) == []

        await platform.start(SERVICE_NAME)
        result = await watcher.first(batch_id, timeout_s=180)
        await watcher.keep_reading(3.0)

    assert watcher.of(batch_id) == [result]
    assert result.event_type == "huleedu.cj_assessment.completed.v1"
    assert result.data.comparison_count == TOTAL
    assert sorted(r.rank for r in result.data.rankings) == list(range(1, ESSAYS + 1))
    finished = await assessment_of(sessions, batch_id)
    assert finished is not None and finished.status == "completed" and finished.attempts == 2
    # What was stored before the kill was reused, not judged again.
    assert await _judged(sessions, batch_id, before=killed_at) == judged_at_kill


async def _wait_for_progress(sessions: async_sessionmaker[AsyncSession], batch_id: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while await _judged(sessions, batch_id) < TOTAL // 20:
        assert loop.time() < deadline, "the assessment made no progress"
        await asyncio.sleep(0.02)
