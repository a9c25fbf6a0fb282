"""The CJ phase after spellcheck, pipeline completion and re-runs, on the real database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events import EssayTextRef
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.models_db import PhaseEssay
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.tests.integration.phase_support import (
    ReadyBatch,
    cj_command,
    cj_completed,
    cj_failed,
    corrected_id,
    deliver,
    new_run_id,
    pipeline_completed,
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


async def spellchecked(
    intake: IntakeService, phases: PhaseService, size: int, run_id: str
) -> tuple[ReadyBatch, list[EssayTextRef]]:
    """A batch through spellcheck (essay i with i corrections per 100 words); returns the
    corrected texts, as BOS sends them to the next phase."""
    batch = await ready_batch(intake, size)
    await deliver(phases, spellcheck_command(batch, run_id))
    for count, essay_id in enumerate(batch.essay_ids):
        await deliver(
            phases, spellcheck_result(batch.batch_id, run_id, essay_id, corrections=count)
        )
    corrected = [EssayTextRef(essay_id=e, text_storage_id=corrected_id(e)) for e in batch.essay_ids]
    return batch, corrected


async def test_the_cj_request_carries_the_corrected_texts_and_spelling_error_rates(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    run_id = new_run_id()
    batch, corrected = await spellchecked(intake, phases, 3, run_id)
    never_spellchecked = await ready_batch(intake, 1)
    await deliver(phases, cj_command(batch.batch_id, run_id, corrected))
    await deliver(phases, cj_command(batch.batch_id, run_id, corrected))

    [request] = await outbox_envelopes(sessions, batch.batch_id, E.ELS_CJ_ASSESSMENT_REQUESTED)
    assert request.data.pipeline_run_id == run_id
    assert request.data.essay_instructions.startswith("Argue for or against")
    sent = [(e.essay_id, e.text_storage_id, e.spelling_error_rate) for e in request.data.essays]
    assert sent == [
        (ref.essay_id, ref.text_storage_id, count / 100) for count, ref in enumerate(corrected)
    ]
    assert set((await statuses(sessions, batch.batch_id)).values()) == {"cj_assessment_in_progress"}
    # Without a spellcheck outcome the rate is unknown (None), not "no errors".
    other = new_run_id()
    await deliver(phases, cj_command(never_spellchecked.batch_id, other, never_spellchecked.essays))
    [lone] = await outbox_envelopes(
        sessions, never_spellchecked.batch_id, E.ELS_CJ_ASSESSMENT_REQUESTED
    )
    assert lone.data.essays[0].spelling_error_rate is None


async def test_a_completed_assessment_stores_ranks_and_fails_the_unranked(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    run_id = new_run_id()
    batch, corrected = await spellchecked(intake, phases, 3, run_id)
    first, second, unranked = batch.essay_ids
    await deliver(phases, cj_command(batch.batch_id, run_id, corrected))

    ranking = [(second, 1, 1.5), (first, 2, -0.4)]
    await deliver(phases, cj_completed(batch.batch_id, run_id, ranking))

    outcomes = await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
    cj = [o for o in outcomes if o.data.phase_name.value == "cj_assessment"]
    [outcome] = cj
    assert outcome.data.phase_status.value == "completed_with_partial_success"
    assert [(e.essay_id, e.text_storage_id) for e in outcome.data.processed_essays] == [
        (first, corrected_id(first)),
        (second, corrected_id(second)),
    ]
    assert outcome.data.failed_essay_ids == [unranked]
    current = await statuses(sessions, batch.batch_id)
    assert (current[first], current[second], current[unranked]) == (
        "cj_assessment_success",
        "cj_assessment_success",
        "cj_assessment_failed",
    )
    async with sessions() as session:
        row = await session.get(PhaseEssay, (batch.batch_id, run_id, "cj_assessment", second))
    assert row is not None and (row.details["rank"], row.details["score"]) == (1, 1.5)


async def test_a_failed_assessment_fails_every_essay_of_the_run(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    run_id = new_run_id()
    batch, corrected = await spellchecked(intake, phases, 2, run_id)
    await deliver(phases, cj_command(batch.batch_id, run_id, corrected))

    failed = cj_failed(batch.batch_id, run_id)
    await deliver(phases, failed)
    await deliver(phases, failed)

    cj = [
        o
        for o in await outbox_envelopes(sessions, batch.batch_id, E.ELS_BATCH_PHASE_OUTCOME)
        if o.data.phase_name.value == "cj_assessment"
    ]
    [outcome] = cj
    assert (outcome.data.phase_status.value, outcome.data.processed_essays) == ("failed", [])
    assert outcome.data.failed_essay_ids == batch.essay_ids
    assert set((await statuses(sessions, batch.batch_id)).values()) == {"cj_assessment_failed"}


async def test_pipeline_completion_finishes_successful_essays_and_a_new_run_can_start(
    intake: IntakeService, phases: PhaseService, sessions: Sessions
) -> None:
    batch = await ready_batch(intake, 2)
    run_id, (good, bad) = new_run_id(), batch.essay_ids
    await deliver(phases, spellcheck_command(batch, run_id))
    await deliver(phases, spellcheck_result(batch.batch_id, run_id, good))
    await deliver(phases, spellcheck_result(batch.batch_id, run_id, bad, ok=False))

    await deliver(phases, pipeline_completed(batch.batch_id, run_id))
    current = await statuses(sessions, batch.batch_id)
    assert (current[good], current[bad]) == ("all_processing_completed", "spellcheck_failed")

    rerun = new_run_id()
    await deliver(phases, spellcheck_command(batch, rerun))
    requests = await outbox_envelopes(sessions, batch.batch_id, E.ESSAY_SPELLCHECK_REQUESTED)
    assert [r.data.essay_id for r in requests if r.data.pipeline_run_id == rerun] == [good, bad]
