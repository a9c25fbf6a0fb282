"""The worker in-process on the real broker and database: real envelopes on the real topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from common_core.event_enums import topic_name
from common_core.field_types import utc_now
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    TopicWatcher,
    content,
    failure,
    new_ids,
    publish,
    registered,
    running_worker,
    worker_settings,
)

pytestmark = pytest.mark.integration

OUTPUTS = (E.BATCH_ESSAYS_READY, E.BATCH_READINESS_TIMEOUT, E.EXCESS_CONTENT_PROVISIONED)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(database_url: str, infra: InfraUrls) -> AsyncIterator[None]:
    async with running_worker(worker_settings(database_url, infra)):
        yield


@pytest_asyncio.fixture
async def watcher(infra: InfraUrls) -> AsyncIterator[TopicWatcher]:
    async with TopicWatcher(infra.kafka_bootstrap, OUTPUTS) as watching:
        yield watching


async def test_registration_and_three_contents_announce_the_batch_ready(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    contents = [content(batch_id) for _ in essay_ids]
    # The first file arrives before its batch's registration.
    await publish(infra.kafka_bootstrap, [contents[0], registered(batch_id, essay_ids)])
    await publish(infra.kafka_bootstrap, contents[1:])

    await watcher.wait_for(lambda: bool(watcher.of(E.BATCH_ESSAYS_READY, batch_id)))
    [ready] = watcher.of(E.BATCH_ESSAYS_READY, batch_id)
    assert [e.essay_id for e in ready.data.essays] == essay_ids
    assert [e.text_storage_id for e in ready.data.essays] == [
        c.data.text_storage_id for c in contents
    ]
    assert ready.source_service == "essay_lifecycle_service"


async def test_every_event_redelivered_five_times_gives_one_ready_event(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    events = [registered(batch_id, essay_ids), content(batch_id), failure(batch_id)]
    events.append(content(batch_id))
    await publish(infra.kafka_bootstrap, [event for event in events for _ in range(5)])

    await watcher.wait_for(lambda: bool(watcher.of(E.BATCH_ESSAYS_READY, batch_id)))
    await watcher.keep_reading(2.0)
    [ready] = watcher.of(E.BATCH_ESSAYS_READY, batch_id)
    assert len(ready.data.essays) == 2 and len(ready.data.failed_files) == 1
    assert watcher.of(E.EXCESS_CONTENT_PROVISIONED, batch_id) == []


async def test_a_malformed_envelope_on_each_topic_is_skipped_and_the_next_handled(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 2)
    bus = KafkaBus(infra.kafka_bootstrap, client_id="els-tests", enable_idempotence=False)
    async with bus:
        for event, garbage in (
            (E.BATCH_ESSAYS_REGISTERED, b"{not json"),
            (E.ESSAY_CONTENT_READY, b'{"event_type": "huleedu.file.essay.content.ready.v1"}'),
            (E.ESSAY_VALIDATION_FAILED, b"[]"),
        ):
            await bus.publish_raw(topic_name(event), garbage, key=batch_id.encode(), headers=[])
    await publish(
        infra.kafka_bootstrap,
        [registered(batch_id, essay_ids), content(batch_id), failure(batch_id)],
    )

    await watcher.wait_for(lambda: bool(watcher.of(E.BATCH_ESSAYS_READY, batch_id)))
    [ready] = watcher.of(E.BATCH_ESSAYS_READY, batch_id)
    assert len(ready.data.essays) == 1 and len(ready.data.failed_files) == 1


async def test_a_batch_missing_files_at_its_deadline_times_out_once(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 3)
    deadline = utc_now() + timedelta(seconds=1)
    await publish(infra.kafka_bootstrap, [registered(batch_id, essay_ids, deadline=deadline)])
    await publish(infra.kafka_bootstrap, [content(batch_id)])

    await watcher.wait_for(lambda: bool(watcher.of(E.BATCH_READINESS_TIMEOUT, batch_id)))
    await watcher.keep_reading(1.0)  # several sweeps pass meanwhile
    [timeout] = watcher.of(E.BATCH_READINESS_TIMEOUT, batch_id)
    assert timeout.data.missing_essay_ids == essay_ids[1:]
    assert timeout.data.ready_essay_count == 1
    assert watcher.of(E.BATCH_ESSAYS_READY, batch_id) == []


async def test_content_beyond_the_expected_count_is_announced_as_excess(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", 1)
    extra = content(batch_id)
    events = [registered(batch_id, essay_ids), content(batch_id), extra]
    await publish(infra.kafka_bootstrap, events)

    await watcher.wait_for(lambda: bool(watcher.of(E.EXCESS_CONTENT_PROVISIONED, batch_id)))
    [excess] = watcher.of(E.EXCESS_CONTENT_PROVISIONED, batch_id)
    assert excess.data.file_upload_id == extra.data.file_upload_id
    assert len(watcher.of(E.BATCH_ESSAYS_READY, batch_id)) == 1
