"""ELS as processes: a worker SIGKILLed mid-batch or mid-phase loses and duplicates nothing,
and the API process (sharing the database) shows the outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from scripts.launcher.platform import Platform
from services.essay_lifecycle_service.models_db import PhaseEssay
from services.essay_lifecycle_service.tests.integration.phase_support import (
    PHASE_OUTPUTS,
    corrected_id,
    new_run_id,
    outcomes,
    ready_over_kafka,
    spellcheck_result,
    start_spellcheck,
)
from services.essay_lifecycle_service.tests.integration.support import (
    E,
    TopicWatcher,
    content,
    essays_of,
    new_ids,
    publish,
    registered,
    tracker_of,
    wait_until_async,
)

pytestmark = [pytest.mark.integration, pytest.mark.functional]

WORKER = "essay_lifecycle_worker"
API = "essay_lifecycle_api"
ESSAYS = 8


@pytest_asyncio.fixture
async def platform_sessions(platform: Platform) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await platform.start_services([API, WORKER])
    engine = create_async_engine_from_settings(platform.infra.database_url("els"), 2)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()
        await platform.stop(WORKER)
        await platform.stop(API)


async def test_a_worker_killed_mid_batch_still_announces_it_ready_exactly_once(
    platform: Platform, platform_sessions: async_sessionmaker[AsyncSession]
) -> None:
    sessions, bootstrap = platform_sessions, platform.infra.kafka_bootstrap
    batch_id, essay_ids = new_ids("batch", 1)[0], new_ids("essay", ESSAYS)
    contents = [content(batch_id) for _ in essay_ids]

    async def filled() -> int:
        return sum(e.file_upload_id is not None for e in await essays_of(sessions, batch_id))

    async with TopicWatcher(bootstrap, [E.BATCH_ESSAYS_READY]) as watcher:
        await publish(bootstrap, [registered(batch_id, essay_ids), *contents[: ESSAYS // 2]])
        await wait_until_async(filled, timeout_s=30, interval_s=0.01)
        await platform.kill(WORKER)

        assigned_at_kill = await filled()
        tracker = await tracker_of(sessions, batch_id)
        assert 1 <= assigned_at_kill < ESSAYS  # the kill landed mid-batch
        assert tracker is not None and tracker.ready_event_id is None

        await publish(bootstrap, contents[ESSAYS // 2 :])
        await platform.start(WORKER)
        await watcher.wait_for(
            lambda: bool(watcher.of(E.BATCH_ESSAYS_READY, batch_id)), timeout_s=60
        )
        await watcher.keep_reading(3.0)

    [ready] = watcher.of(E.BATCH_ESSAYS_READY, batch_id)
    assert [e.essay_id for e in ready.data.essays] == essay_ids
    assert {e.file_upload_id for e in ready.data.essays} == {
        c.data.file_upload_id for c in contents
    }
    await assert_api_shows_the_batch_ready(platform, batch_id)


async def assert_api_shows_the_batch_ready(platform: Platform, batch_id: str) -> None:
    headers = internal_auth_headers("file_service", platform.secrets["internal_api_key"])
    async with httpx.AsyncClient(base_url=platform.service_url(API), headers=headers) as client:
        response = await client.get(f"/v1/batches/{batch_id}/status")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["essay_counts"] == {"ready_for_processing": ESSAYS}


async def test_a_worker_killed_mid_phase_still_announces_one_outcome(
    platform: Platform, platform_sessions: async_sessionmaker[AsyncSession]
) -> None:
    sessions, infra = platform_sessions, platform.infra
    run_id = new_run_id()

    async def recorded() -> int:
        statement = sa.select(sa.func.count()).where(
            PhaseEssay.pipeline_run_id == run_id, PhaseEssay.outcome.is_not(None)
        )
        async with sessions() as session:
            return int((await session.execute(statement)).scalar_one())

    async with TopicWatcher(infra.kafka_bootstrap, PHASE_OUTPUTS) as watcher:
        batch = await ready_over_kafka(infra, watcher, ESSAYS)
        await start_spellcheck(infra, watcher, batch, run_id)
        results = [spellcheck_result(batch.batch_id, run_id, e) for e in batch.essay_ids]
        await publish(infra.kafka_bootstrap, results[: ESSAYS // 2])
        await wait_until_async(recorded, timeout_s=30, interval_s=0.01)
        await platform.kill(WORKER)

        assert 1 <= await recorded() < ESSAYS  # the kill landed mid-phase
        await publish(infra.kafka_bootstrap, results * 2)
        await platform.start(WORKER)
        await watcher.wait_for(
            lambda: bool(outcomes(watcher, batch.batch_id, "spellcheck")), timeout_s=60
        )
        await watcher.keep_reading(3.0)

    [outcome] = outcomes(watcher, batch.batch_id, "spellcheck")
    assert outcome.data.phase_status.value == "completed_successfully"
    assert [(e.essay_id, e.text_storage_id) for e in outcome.data.processed_essays] == [
        (essay_id, corrected_id(essay_id)) for essay_id in batch.essay_ids
    ]
    headers = internal_auth_headers(
        "batch_orchestrator_service", platform.secrets["internal_api_key"]
    )
    async with httpx.AsyncClient(base_url=platform.service_url(API), headers=headers) as client:
        response = await client.get(f"/v1/essays/{batch.essay_ids[0]}/status")
    [spellcheck] = response.json()["phase_results"]
    assert (spellcheck["outcome"], spellcheck["details"]["correction_count"]) == ("success", 2)
