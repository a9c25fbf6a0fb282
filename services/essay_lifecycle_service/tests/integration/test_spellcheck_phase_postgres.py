"""The spellcheck phase on the real database (events read back from the outbox)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.field_types import utc_now
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.models_db import EssayTransition, PhaseEssay, PhaseRun
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.tests.integration.phase_support import (
    corrected_id,
    deliver,
    new_run_id,
    phase_service,
    ready_batch,
    spellcheck_command,
    spellcheck_result,
)
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    essays_of,
    outbox_envelopes,
)

pytestmark = pytest.mark.integration

Sessions = async_sessionmaker[AsyncSession]


async def statuses(sessions: Sessions, batch_id: str) -> dict[str, str]:
    return {essay.essay_id: essay.status for essay in await essays_of(sessions, batch_id)}


async def test_the_command_starts_the_run_and_queues_one_request_per_essay(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 3)
    run_id = new_run_id()
    command = spellcheck_command(batch, run_id)
    before = utc_now()

    await deliver(phases, command)
    await deliver(phases, command)  # a redelivered command changes nothing

    requests = await outbox_envelopes(sessions, batch.batch_id, E.ESSAY_SPELLCHECK_REQUESTED)
    assert [(r.data.essay_id, r.data.text_storage_id) for r in requests] == [
        (e.essay_id, e.text_storage_id) for e in batch.essays
    ]
    assert {(r.data.pipeline_run_id, r.data.language.value) for r in requests} == {(run_id, "en")}
    assert len({r.event_id for r in requests}) == 3
    assert set((await statuses(sessions, batch.batch_id)).values()) == {"spellchecking_in_progress"}
    async with sessions() as session:
        run = await session.get(PhaseRun, (batch.batch_id, run_id, "spellcheck"))
        entries = (
            await session.scalars(
                sa.select(EssayTransition).where(
                    EssayTransition.batch_id == batch.batch_id,
                    EssayTransition.cause == "phase_command",
                )
            )
        ).all()
    assert run is not None and run.status == "in_progress"
    assert timedelta(minutes=9) < run.deadline - before <= timedelta(minutes=10, seconds=5)
    assert len(entries) == 6  # ready -> awaiting -> in progress, per essay
    assert {entry.event_id for entry in entries} == {str(command.event_id)}


async def test_a_new_command_for_a_started_run_sends_nothing_more(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 2)
    run_id = new_run_id()
    await deliver(phases, spellcheck_command(batch, run_id))
    second = spellcheck_command(batch, run_id).model_copy(update={"event_id": uuid.uuid4()})
    await deliver(phases, second)

    requests = await outbox_envelopes(sessions, batch.batch_id, E.ESSAY_SPELLCHECK_REQUESTED)
    assert len(requests) == 2


async def test_results_with_failures_give_one_partial_outcome_with_corrected_texts(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 4)
    run_id, ids = new_run_id(), batch.essay_ids
    await deliver(phases, spellcheck_command(batch, run_id))

    for essay_id in ids[:3]:
        await deliver(phases, spellcheck_result(batch.batch_id, run_id, essay_id, corrections=5))
    assert await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME) == []
    await deliver(phases, spellcheck_result(batch.batch_id, run_id, ids[3], ok=False))

    [outcome] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    assert outcome.data.phase_name.value == "spellcheck"
    assert outcome.data.phase_status.value == "completed_with_partial_success"
    assert [(e.essay_id, e.text_storage_id) for e in outcome.data.processed_essays] == [
        (essay_id, corrected_id(essay_id)) for essay_id in ids[:3]
    ]
    assert outcome.data.failed_essay_ids == [ids[3]]
    current = await statuses(sessions, batch.batch_id)
    assert [current[essay_id] for essay_id in ids] == ["spellchecked_success"] * 3 + [
        "spellcheck_failed"
    ]
    async with sessions() as session:
        row = await session.get(PhaseEssay, (batch.batch_id, run_id, "spellcheck", ids[0]))
    assert row is not None and row.output_text_storage_id == corrected_id(ids[0])
    assert row.details == {"correction_count": 5, "word_count": 100, "spelling_error_rate": 0.05}


async def test_concurrent_and_repeated_results_give_one_outcome(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 6)
    run_id = new_run_id()
    await deliver(phases, spellcheck_command(batch, run_id))
    results = [spellcheck_result(batch.batch_id, run_id, e) for e in batch.essay_ids]

    await asyncio.gather(*(deliver(phases, r) for r in results * 3))

    [outcome] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    assert outcome.data.phase_status.value == "completed_successfully"
    assert len(outcome.data.processed_essays) == 6


async def test_stale_results_are_skipped(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 2)
    run_id, (first, second) = new_run_id(), batch.essay_ids
    await deliver(phases, spellcheck_command(batch, run_id))

    await deliver(phases, spellcheck_result(batch.batch_id, "another-run", first))
    await deliver(phases, spellcheck_result(batch.batch_id, run_id, "essay-not-in-batch"))
    await deliver(phases, spellcheck_result(batch.batch_id, run_id, first, ok=False))
    # A second verdict for the same essay (a new event id) does not replace the first.
    late = spellcheck_result(batch.batch_id, run_id, first).model_copy(
        update={"event_id": uuid.uuid4()}
    )
    await deliver(phases, late)

    current = await statuses(sessions, batch.batch_id)
    assert (current[first], current[second]) == ("spellcheck_failed", "spellchecking_in_progress")
    assert await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME) == []


async def test_essays_that_cannot_enter_the_phase_fail_at_once(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 2)
    busy = await ready_batch(intake, 1)
    await deliver(phases, spellcheck_command(busy, new_run_id()))
    run_id = new_run_id()
    essays = [*batch.essays, batch.essays[0].model_copy(update={"essay_id": "essay-unknown"})]
    await deliver(phases, spellcheck_command(batch, run_id, essays))

    requests = await outbox_envelopes(sessions, batch.batch_id, E.ESSAY_SPELLCHECK_REQUESTED)
    assert [r.data.essay_id for r in requests] == batch.essay_ids
    for essay_id in batch.essay_ids:
        await deliver(phases, spellcheck_result(batch.batch_id, run_id, essay_id))
    [outcome] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    assert outcome.data.failed_essay_ids == ["essay-unknown"]
    assert outcome.data.phase_status.value == "completed_with_partial_success"


async def test_a_run_no_essay_can_enter_fails_at_once(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 2)
    await deliver(phases, spellcheck_command(batch, new_run_id()))  # both busy from now on
    run_id = new_run_id()
    await deliver(phases, spellcheck_command(batch, run_id))

    [outcome] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    assert (outcome.data.pipeline_run_id, outcome.data.phase_status.value) == (run_id, "failed")
    assert outcome.data.failed_essay_ids == batch.essay_ids


async def test_an_overdue_run_fails_its_missing_essays_and_announces_once(
    intake: IntakeService, sessions: Sessions
) -> None:
    expiring = phase_service(sessions, timeout_s=0.001)
    batch = await ready_batch(intake, 3)
    run_id, ids = new_run_id(), batch.essay_ids
    await deliver(expiring, spellcheck_command(batch, run_id))
    await deliver(expiring, spellcheck_result(batch.batch_id, run_id, ids[0]))

    now = utc_now() + timedelta(seconds=1)
    await asyncio.gather(*(expiring.time_out_overdue_runs(now, 500) for _ in range(3)))
    await expiring.time_out_overdue_runs(now, 500)  # a run a busy lock left over
    await deliver(expiring, spellcheck_result(batch.batch_id, run_id, ids[1]))  # too late

    [outcome] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    assert outcome.data.phase_status.value == "completed_with_partial_success"
    assert [e.essay_id for e in outcome.data.processed_essays] == ids[:1]
    assert outcome.data.failed_essay_ids == ids[1:]
    current = await statuses(sessions, batch.batch_id)
    assert [current[i] for i in ids] == ["spellchecked_success"] + ["spellcheck_failed"] * 2
