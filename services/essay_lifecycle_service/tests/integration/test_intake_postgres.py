"""Batch intake on the real database: slots, idempotency, races, failures, early files."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events.envelope import EventEnvelope
from common_core.status_enums import EssayStatus
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import incoming_content, incoming_failure
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    content,
    essays_of,
    failure,
    new_ids,
    outbox_envelopes,
    registered,
    tracker_of,
)

pytestmark = pytest.mark.integration

Sessions = async_sessionmaker[AsyncSession]


async def deliver(intake: IntakeService, envelope: EventEnvelope[Any]) -> None:
    """What the worker's handlers do with each consumed envelope."""
    event_id, correlation_id = envelope.event_id, envelope.correlation_id
    if envelope.event_type == "huleedu.batch.essays.registered.v1":
        await intake.register_batch(envelope.data, event_id, correlation_id)
    elif envelope.event_type == "huleedu.file.essay.content.ready.v1":
        await intake.accept_file(incoming_content(envelope.data), event_id, correlation_id)
    else:
        await intake.accept_file(incoming_failure(envelope.data), event_id, correlation_id)


async def test_three_contents_make_the_batch_ready_once(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    contents = [content(batch_id) for _ in essay_ids]
    await deliver(intake, registered(batch_id, essay_ids))
    for envelope in contents[:2]:
        await deliver(intake, envelope)
    assert await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY) == []
    await deliver(intake, contents[2])

    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert [e.essay_id for e in ready.data.essays] == essay_ids
    assert [e.file_upload_id for e in ready.data.essays] == [
        c.data.file_upload_id for c in contents
    ]
    assert [e.text_storage_id for e in ready.data.essays] == [
        c.data.text_storage_id for c in contents
    ]
    assert ready.data.essays[0].student_email == "anna@example.org"
    assert ready.data.failed_files == []
    essays = await essays_of(sessions, batch_id)
    assert {e.status for e in essays} == {EssayStatus.READY_FOR_PROCESSING.value}
    tracker = await tracker_of(sessions, batch_id)
    assert tracker is not None and tracker.status == "ready"
    assert tracker.ready_event_id == str(ready.event_id)


async def test_every_event_delivered_five_times_changes_nothing(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    envelopes = [registered(batch_id, essay_ids), content(batch_id), content(batch_id)]
    envelopes.append(failure(batch_id))
    for envelope in envelopes:
        for _ in range(5):
            await deliver(intake, envelope)

    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert len(ready.data.essays) == 2 and len(ready.data.failed_files) == 1
    assert await outbox_envelopes(sessions, batch_id, E.EXCESS_CONTENT_PROVISIONED) == []
    assert len({e.file_upload_id for e in await essays_of(sessions, batch_id)}) == 3


async def test_the_same_file_resent_with_a_new_event_id_is_a_no_op(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
    await deliver(intake, registered(batch_id, essay_ids))
    await deliver(intake, content(batch_id, "upload-same"))
    await deliver(intake, content(batch_id, "upload-same"))  # new envelope, same file

    essays = await essays_of(sessions, batch_id)
    assert [e.file_upload_id for e in essays] == ["upload-same", None]


async def test_two_uploads_racing_for_the_last_slot_one_wins_one_is_excess(
    intake: IntakeService, sessions: Sessions
) -> None:
    for _ in range(5):  # several rounds: the interleaving differs between them
        batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
        await deliver(intake, registered(batch_id, essay_ids))
        await deliver(intake, content(batch_id))
        racers = [content(batch_id), content(batch_id)]
        await asyncio.gather(*(deliver(intake, racer) for racer in racers))

        racer_ids = {r.data.file_upload_id for r in racers}
        placed = {e.file_upload_id for e in await essays_of(sessions, batch_id)}
        [excess] = await outbox_envelopes(sessions, batch_id, E.EXCESS_CONTENT_PROVISIONED)
        [winner] = racer_ids & placed
        assert excess.data.file_upload_id == (racer_ids - {winner}).pop()
        assert len(await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)) == 1


async def test_one_file_delivered_concurrently_under_two_event_ids_fills_one_slot(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    await deliver(intake, registered(batch_id, essay_ids))
    copies = [content(batch_id, "upload-twin") for _ in range(4)]
    await asyncio.gather(*(deliver(intake, copy) for copy in copies))

    essays = await essays_of(sessions, batch_id)
    assert [e.file_upload_id for e in essays].count("upload-twin") == 1
    assert await outbox_envelopes(sessions, batch_id, E.EXCESS_CONTENT_PROVISIONED) == []


async def test_a_validation_failure_fills_a_slot_and_is_listed(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
    await deliver(intake, registered(batch_id, essay_ids))
    bad, good = failure(batch_id), content(batch_id)
    await deliver(intake, bad)
    await deliver(intake, good)

    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert [e.file_upload_id for e in ready.data.essays] == [good.data.file_upload_id]
    [failed] = ready.data.failed_files
    assert (failed.file_upload_id, failed.reason_code) == (
        bad.data.file_upload_id,
        "unsupported_file_type",
    )
    statuses = [e.status for e in await essays_of(sessions, batch_id)]
    assert statuses == [EssayStatus.CONTENT_FAILED.value, EssayStatus.READY_FOR_PROCESSING.value]


async def test_a_batch_without_any_usable_file_is_announced_failed(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
    await deliver(intake, registered(batch_id, essay_ids))
    await deliver(intake, failure(batch_id))
    await deliver(intake, failure(batch_id))

    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert ready.data.essays == [] and len(ready.data.failed_files) == 2
    tracker = await tracker_of(sessions, batch_id)
    assert tracker is not None and tracker.status == "failed"


async def test_content_before_registration_is_assigned_when_the_batch_arrives(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    early = [content(batch_id), failure(batch_id), content(batch_id)]
    for envelope in early:
        await deliver(intake, envelope)
    await deliver(intake, early[0])  # a redelivery while waiting keeps one copy
    assert await tracker_of(sessions, batch_id) is None

    await deliver(intake, registered(batch_id, essay_ids))

    essays = await essays_of(sessions, batch_id)
    assert [e.file_upload_id for e in essays] == [env.data.file_upload_id for env in early]
    [ready] = await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)
    assert len(ready.data.essays) == 2 and len(ready.data.failed_files) == 1


async def test_more_early_files_than_slots_makes_the_rest_excess(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 1)
    early = [content(batch_id), content(batch_id)]
    for envelope in early:
        await deliver(intake, envelope)
    await deliver(intake, registered(batch_id, essay_ids))

    [excess] = await outbox_envelopes(sessions, batch_id, E.EXCESS_CONTENT_PROVISIONED)
    assert excess.data.file_upload_id == early[1].data.file_upload_id
    assert len(await outbox_envelopes(sessions, batch_id, E.BATCH_ESSAYS_READY)) == 1


async def test_a_duplicate_registration_with_a_new_event_id_changes_nothing(
    intake: IntakeService, sessions: Sessions
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
    await deliver(intake, registered(batch_id, essay_ids))
    await deliver(intake, content(batch_id))
    await deliver(intake, registered(batch_id, essay_ids))

    essays = await essays_of(sessions, batch_id)
    assert len(essays) == 2 and essays[0].file_upload_id is not None


async def test_two_batches_may_use_the_same_essay_ids(
    intake: IntakeService, sessions: Sessions
) -> None:
    shared_ids = new_ids("essay", 2)
    first, second = new_ids("batch", 2)
    await deliver(intake, registered(first, shared_ids))
    await deliver(intake, registered(second, shared_ids))
    await deliver(intake, content(second))
    assert [e.file_upload_id for e in await essays_of(sessions, first)] == [None, None]
    assert (await essays_of(sessions, second))[0].file_upload_id is not None
