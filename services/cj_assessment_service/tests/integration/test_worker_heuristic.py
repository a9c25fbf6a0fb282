"""The worker in-process with the default judge, on the real broker, database and Content
Service: real requests in, real results out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from quart import Quart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.identity import deterministic_event_id
from scripts.launcher.infra import InfraUrls
from services.cj_assessment_service.domain.pairing import planned_comparison_count
from services.cj_assessment_service.tests.integration.support import (
    E,
    ResultWatcher,
    assessment_of,
    new_id,
    publish,
    request,
    running_worker,
    stored_ranks,
    worker_settings,
)
from services.cj_assessment_service.tests.support_texts import SPELLING_ERROR_RATES

pytestmark = pytest.mark.integration

COMPARISONS_PER_ESSAY = 6


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(
    database_url: str, infra: InfraUrls, content_url: str, api_key: str
) -> AsyncIterator[Quart]:
    settings = worker_settings(
        database_url, infra, content_url, api_key, comparisons_per_essay=COMPARISONS_PER_ESSAY
    )
    async with running_worker(settings) as app:
        yield app


@pytest_asyncio.fixture
async def watcher(infra: InfraUrls) -> AsyncIterator[ResultWatcher]:
    async with ResultWatcher(infra.kafka_bootstrap) as watching:
        yield watching


async def test_five_essays_are_ranked_best_first_and_worst_last(
    worker: Quart,
    watcher: ResultWatcher,
    infra: InfraUrls,
    sample_ids: list[str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    batch_id = new_id("batch")
    the_request = request(batch_id, sample_ids, rates=SPELLING_ERROR_RATES)
    await publish(infra.kafka_bootstrap, [the_request])

    result = await watcher.first(batch_id)

    assert result.event_type == "huleedu.cj_assessment.completed.v1"
    assert result.event_id == deterministic_event_id(
        E.CJ_ASSESSMENT_COMPLETED, batch_id=batch_id, pipeline_run_id="run-1"
    )
    rankings = result.data.rankings
    assert [r.rank for r in rankings] == [1, 2, 3, 4, 5]
    assert [r.essay_id for r in rankings] == [f"essay-{i}" for i in range(5)]  # samples in order
    assert rankings[0].score > rankings[-1].score
    assert result.data.comparison_count == planned_comparison_count(5, COMPARISONS_PER_ESSAY)
    assert result.data.judge == "heuristic-writing-features-v1"
    row = await assessment_of(sessions, batch_id)
    assert row is not None and row.status == "completed"
    assert await stored_ranks(sessions, row.id) == {f"essay-{i}": i + 1 for i in range(5)}


async def test_a_redelivered_or_resent_request_gives_one_result(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str]
) -> None:
    batch_id = new_id("batch")
    original = request(batch_id, sample_ids[:3])
    resent = request(batch_id, sample_ids[:3], event_id=uuid.uuid4())  # new id, same run
    await publish(infra.kafka_bootstrap, [original, original, resent, original])

    await watcher.first(batch_id)
    await watcher.keep_reading(3.0)

    [result] = watcher.of(batch_id)
    assert [r.essay_id for r in result.data.rankings] == ["essay-0", "essay-1", "essay-2"]


async def test_a_new_pipeline_run_of_the_same_batch_is_assessed_again(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str]
) -> None:
    batch_id = new_id("batch")
    await publish(infra.kafka_bootstrap, [request(batch_id, sample_ids[:2])])
    await watcher.first(batch_id)
    rerun = request(batch_id, sample_ids[:2], pipeline_run_id="run-2")
    await publish(infra.kafka_bootstrap, [rerun])

    await watcher.wait_for(lambda: len(watcher.of(batch_id)) == 2)

    assert [r.data.pipeline_run_id for r in watcher.of(batch_id)] == ["run-1", "run-2"]


async def test_missing_content_and_a_single_essay_fail_with_their_reasons(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str]
) -> None:
    missing, single = new_id("batch"), new_id("batch")
    await publish(
        infra.kafka_bootstrap,
        [request(missing, [sample_ids[0], "no-such-storage-id"]), request(single, sample_ids[:1])],
    )

    failed_missing = await watcher.first(missing)
    failed_single = await watcher.first(single)

    assert failed_missing.event_type == "huleedu.cj_assessment.failed.v1"
    assert failed_missing.data.reason == "content_not_found"
    assert "no-such-storage-id" in failed_missing.data.message
    assert failed_single.data.reason == "too_few_essays"
    assert failed_single.event_id == deterministic_event_id(
        E.CJ_ASSESSMENT_FAILED, batch_id=single, pipeline_run_id="run-1"
    )


async def test_the_worker_reports_ready_and_counts_its_work(worker: Quart) -> None:
    client = worker.test_client()

    ready = await client.get("/readyz")
    metrics = await (await client.get("/metrics")).get_data(as_text=True)

    assert ready.status_code == 200
    assert "cj_comparisons_total" in metrics
    assert "cj_assessment_stage_seconds" in metrics
