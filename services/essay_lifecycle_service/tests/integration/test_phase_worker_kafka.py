"""The phases through the worker in-process: real envelopes on the real topics, real broker
and database, the outbox relay publishing what the worker decides."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from common_core.events import EssayTextRef
from scripts.launcher.infra import InfraUrls
from services.essay_lifecycle_service.tests.integration.phase_support import (
    PHASE_OUTPUTS,
    cj_command,
    cj_completed,
    cj_failed,
    corrected_id,
    new_run_id,
    outcomes,
    ready_over_kafka,
    spellcheck_command,
    spellcheck_result,
    start_spellcheck,
)
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    TopicWatcher,
    publish,
    running_worker,
    worker_settings,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(database_url: str, infra: InfraUrls) -> AsyncIterator[None]:
    async with running_worker(worker_settings(database_url, infra)):
        yield


@pytest_asyncio.fixture
async def watcher(infra: InfraUrls) -> AsyncIterator[TopicWatcher]:
    async with TopicWatcher(infra.kafka_bootstrap, PHASE_OUTPUTS) as watching:
        yield watching


async def test_a_spellcheck_command_sends_one_request_per_essay(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch = await ready_over_kafka(infra, watcher, 4)
    run_id = new_run_id()

    await publish(infra.kafka_bootstrap, [spellcheck_command(batch, run_id)] * 3)

    def requested() -> bool:
        return len(watcher.of(E.ESSAY_SPELLCHECK_REQUESTED, batch.batch_id)) >= 4

    await watcher.wait_for(requested)
    await watcher.keep_reading(1.0)
    requests = watcher.of(E.ESSAY_SPELLCHECK_REQUESTED, batch.batch_id)
    assert sorted((r.data.essay_id, r.data.text_storage_id) for r in requests) == sorted(
        (e.essay_id, e.text_storage_id) for e in batch.essays
    )
    assert {(r.data.batch_id, r.data.pipeline_run_id, r.data.language.value) for r in requests} == {
        (batch.batch_id, run_id, "en")
    }
    assert {r.source_service for r in requests} == {"essay_lifecycle_service"}


async def test_results_redelivered_five_times_give_one_outcome(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch = await ready_over_kafka(infra, watcher, 4)
    run_id, ids = new_run_id(), batch.essay_ids
    await start_spellcheck(infra, watcher, batch, run_id)
    results = [spellcheck_result(batch.batch_id, run_id, essay_id) for essay_id in ids[:3]]
    results.append(spellcheck_result(batch.batch_id, run_id, ids[3], ok=False))

    await publish(infra.kafka_bootstrap, [r for r in results for _ in range(5)])

    await watcher.wait_for(lambda: bool(outcomes(watcher, batch.batch_id, "spellcheck")))
    await watcher.keep_reading(2.0)
    [outcome] = outcomes(watcher, batch.batch_id, "spellcheck")
    assert outcome.data.phase_status.value == "completed_with_partial_success"
    processed = outcome.data.processed_essays
    assert [(e.essay_id, e.text_storage_id) for e in processed] == [
        (essay_id, corrected_id(essay_id)) for essay_id in ids[:3]
    ]
    assert outcome.data.failed_essay_ids == [ids[3]]


async def test_the_cj_phase_after_spellcheck_ranks_the_essays(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch = await ready_over_kafka(infra, watcher, 3)
    run_id, ids = new_run_id(), batch.essay_ids
    await start_spellcheck(infra, watcher, batch, run_id)
    await publish(
        infra.kafka_bootstrap,
        [spellcheck_result(batch.batch_id, run_id, e, corrections=4) for e in ids],
    )
    await watcher.wait_for(lambda: bool(outcomes(watcher, batch.batch_id, "spellcheck")))
    corrected = [EssayTextRef(essay_id=e, text_storage_id=corrected_id(e)) for e in ids]

    await publish(infra.kafka_bootstrap, [cj_command(batch.batch_id, run_id, corrected)])
    await watcher.wait_for(lambda: bool(watcher.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch.batch_id)))
    [request] = watcher.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch.batch_id)
    sent = [(e.essay_id, e.text_storage_id, e.spelling_error_rate) for e in request.data.essays]
    assert sent == [(ref.essay_id, ref.text_storage_id, 0.04) for ref in corrected]

    ranking = [(ids[2], 1, 0.9), (ids[0], 2, 0.1), (ids[1], 3, -1.0)]
    await publish(infra.kafka_bootstrap, [cj_completed(batch.batch_id, run_id, ranking)] * 2)
    await watcher.wait_for(lambda: bool(outcomes(watcher, batch.batch_id, "cj_assessment")))
    await watcher.keep_reading(1.0)
    [outcome] = outcomes(watcher, batch.batch_id, "cj_assessment")
    assert outcome.data.phase_status.value == "completed_successfully"
    processed = outcome.data.processed_essays
    assert [(e.essay_id, e.text_storage_id) for e in processed] == [
        (ref.essay_id, ref.text_storage_id) for ref in corrected
    ]


async def test_a_failed_cj_assessment_gives_a_failed_outcome(
    worker: None, watcher: TopicWatcher, infra: InfraUrls
) -> None:
    batch = await ready_over_kafka(infra, watcher, 2)
    run_id = new_run_id()
    await publish(infra.kafka_bootstrap, [cj_command(batch.batch_id, run_id, batch.essays)])
    await watcher.wait_for(lambda: bool(watcher.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch.batch_id)))

    await publish(infra.kafka_bootstrap, [cj_failed(batch.batch_id, run_id)])

    await watcher.wait_for(lambda: bool(outcomes(watcher, batch.batch_id, "cj_assessment")))
    [outcome] = outcomes(watcher, batch.batch_id, "cj_assessment")
    assert outcome.data.phase_status.value == "failed"
    assert outcome.data.failed_essay_ids == batch.essay_ids
