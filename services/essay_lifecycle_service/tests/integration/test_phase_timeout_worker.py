"""A phase whose results stop arriving does not hang: the worker's sweep ends it (real broker
and database, a short phase timeout)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scripts.launcher.infra import InfraUrls
from services.essay_lifecycle_service.tests.integration.phase_support import (
    PHASE_OUTPUTS,
    new_run_id,
    outcomes,
    ready_over_kafka,
    spellcheck_result,
    start_spellcheck,
)
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    TopicWatcher,
    essays_of,
    publish,
    running_worker,
    worker_settings,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(database_url: str, infra: InfraUrls) -> AsyncIterator[None]:
    settings = worker_settings(
        database_url, infra, phase_timeout_seconds=2.0, phase_sweep_interval_seconds=0.2
    )
    async with running_worker(settings):
        yield


async def test_missing_results_fail_at_the_phase_timeout_and_the_outcome_goes_once(
    worker: None, infra: InfraUrls, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with TopicWatcher(infra.kafka_bootstrap, PHASE_OUTPUTS) as watcher:
        batch = await ready_over_kafka(infra, watcher, 3)
        run_id, ids = new_run_id(), batch.essay_ids
        await start_spellcheck(infra, watcher, batch, run_id)
        await publish(infra.kafka_bootstrap, [spellcheck_result(batch.batch_id, run_id, ids[0])])

        await watcher.wait_for(lambda: bool(outcomes(watcher, batch.batch_id, "spellcheck")))
        await watcher.keep_reading(1.0)  # several sweeps pass meanwhile
        [outcome] = outcomes(watcher, batch.batch_id, "spellcheck")
    assert outcome.data.phase_status.value == "completed_with_partial_success"
    assert [e.essay_id for e in outcome.data.processed_essays] == ids[:1]
    assert outcome.data.failed_essay_ids == ids[1:]
    current = {essay.essay_id: essay.status for essay in await essays_of(sessions, batch.batch_id)}
    assert [current[i] for i in ids] == ["spellchecked_success"] + ["spellcheck_failed"] * 2
    assert watcher.of(E.ESSAY_SPELLCHECK_REQUESTED, batch.batch_id)
