"""Readiness timeouts on the real database: announced once, even with competing sweepers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.field_types import utc_now
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import incoming_content
from services.essay_lifecycle_service.readiness_sweeper import ReadinessSweeper
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    content,
    new_ids,
    outbox_envelopes,
    registered,
    tracker_of,
    wait_until_async,
)

pytestmark = pytest.mark.integration

Sessions = async_sessionmaker[AsyncSession]
PAST = timedelta(seconds=-1)


async def register(intake: IntakeService, batch_id: str, essay_ids: list[str], delta: timedelta):
    envelope = registered(batch_id, essay_ids, deadline=utc_now() + delta)
    await intake.register_batch(envelope.data, envelope.event_id, envelope.correlation_id)


async def add_content(intake: IntakeService, batch_id: str) -> None:
    envelope = content(batch_id)
    await intake.accept_file(
        incoming_content(envelope.data), envelope.event_id, envelope.correlation_id
    )


async def test_an_overdue_batch_times_out_once_listing_its_missing_essays(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    await register(intake, batch_id, essay_ids, PAST)
    await add_content(intake, batch_id)

    await intake.time_out_overdue_batches(utc_now(), limit=500)
    await intake.time_out_overdue_batches(utc_now(), limit=500)

    [timeout] = await outbox_envelopes(sessions, batch_id, E.BATCH_READINESS_TIMEOUT)
    assert timeout.data.missing_essay_ids == essay_ids[1:]
    assert timeout.data.ready_essay_count == 1
    tracker = await tracker_of(sessions, batch_id)
    assert tracker is not None and tracker.status == "readiness_timed_out"


async def test_competing_sweepers_announce_each_timeout_once(
    intake: IntakeService, sessions: Sessions
) -> None:
    batches = new_ids("batch", 4)
    for batch_id in batches:
        await register(intake, batch_id, new_ids("essay", 2), PAST)
    now = utc_now()

    await asyncio.gather(*(intake.time_out_overdue_batches(now, limit=500) for _ in range(4)))
    await intake.time_out_overdue_batches(now, limit=500)  # the one a busy lock left over

    for batch_id in batches:
        assert len(await outbox_envelopes(sessions, batch_id, E.BATCH_READINESS_TIMEOUT)) == 1


async def test_batches_before_their_deadline_or_complete_do_not_time_out(
    intake: IntakeService, sessions: Sessions
) -> None:
    waiting, complete = new_ids("batch", 2)
    await register(intake, waiting, new_ids("essay", 1), timedelta(hours=1))
    await register(intake, complete, new_ids("essay", 1), PAST)
    await add_content(intake, complete)

    await intake.time_out_overdue_batches(utc_now(), limit=500)

    for batch_id in (waiting, complete):
        assert await outbox_envelopes(sessions, batch_id, E.BATCH_READINESS_TIMEOUT) == []


async def test_late_content_still_completes_a_timed_out_batch(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id = new_ids("batch", 1)[0]
    await register(intake, batch_id, new_ids("essay", 1), PAST)
    await intake.time_out_overdue_batches(utc_now(), limit=500)
    await add_content(intake, batch_id)

    assert len(await outbox_envelopes(sessions, batch_id, E.BATCH_READINESS_TIMEOUT)) == 1
    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert len(ready.data.essays) == 1
    tracker = await tracker_of(sessions, batch_id)
    assert tracker is not None and tracker.status == "ready"


async def test_the_sweeper_task_runs_passes_until_stopped(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id = new_ids("batch", 1)[0]
    sweeper = ReadinessSweeper(intake, interval_s=0.05, batch_size=500)
    task = asyncio.create_task(sweeper.run())
    await register(intake, batch_id, new_ids("essay", 1), timedelta(seconds=0.3))
    await wait_until_async(
        lambda: outbox_envelopes(sessions, batch_id, E.BATCH_READINESS_TIMEOUT), timeout_s=10
    )
    await sweeper.stop()
    await asyncio.wait_for(task, 5)
