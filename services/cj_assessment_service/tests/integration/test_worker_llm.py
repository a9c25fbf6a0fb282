"""The worker in-process with the LLM judge against a local fake chat-completions server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from quart import Quart

from scripts.launcher.infra import InfraUrls
from services.cj_assessment_service.tests.fake_llm import FakeLlm, running_fake_llm
from services.cj_assessment_service.tests.integration.support import (
    ResultWatcher,
    new_id,
    publish,
    request,
    running_worker,
    worker_settings,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fake() -> AsyncIterator[FakeLlm]:
    async with running_fake_llm() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(
    database_url: str, infra: InfraUrls, content_url: str, api_key: str, fake: FakeLlm
) -> AsyncIterator[Quart]:
    settings = worker_settings(
        database_url,
        infra,
        content_url,
        api_key,
        judge="llm",
        llm_base_url=fake.base_url,
        llm_model="fake-teacher",
        llm_api_key="sk-fake",
        llm_timeout_seconds=1.0,
        llm_retries=1,
        llm_retry_backoff_seconds=0.01,
        llm_max_concurrency=2,
        comparisons_per_essay=4,
    )
    async with running_worker(settings) as app:
        yield app


@pytest_asyncio.fixture
async def watcher(infra: InfraUrls, fake: FakeLlm) -> AsyncIterator[ResultWatcher]:
    fake.mode, fake.delay_s = "ok", 0.0
    async with ResultWatcher(infra.kafka_bootstrap) as watching:
        yield watching


async def test_rankings_follow_the_models_preference(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str], fake: FakeLlm
) -> None:
    batch_id, requests_before = new_id("batch"), fake.requests
    await publish(infra.kafka_bootstrap, [request(batch_id, sample_ids)])

    result = await watcher.first(batch_id)

    # The fake prefers shorter essays: the reverse of the samples' quality order.
    assert [r.essay_id for r in result.data.rankings] == [f"essay-{i}" for i in (4, 3, 2, 1, 0)]
    assert result.data.judge == "llm:fake-teacher"
    assert result.data.comparison_count == 10
    assert fake.requests - requests_before == 10
    assert fake.authorizations == {"Bearer sk-fake"}


async def test_a_failing_model_fails_the_assessment_after_retries(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str], fake: FakeLlm
) -> None:
    fake.mode = "fail"
    batch_id = new_id("batch")
    await publish(infra.kafka_bootstrap, [request(batch_id, sample_ids[:3])])

    result = await watcher.first(batch_id)

    assert result.event_type == "huleedu.cj_assessment.failed.v1"
    assert result.data.reason == "judge_unavailable"
    assert "HTTP 500" in result.data.message


async def test_a_model_that_times_out_fails_the_assessment(
    worker: Quart, watcher: ResultWatcher, infra: InfraUrls, sample_ids: list[str], fake: FakeLlm
) -> None:
    fake.mode, fake.delay_s = "slow", 30.0  # past the 1 s call timeout
    batch_id = new_id("batch")
    await publish(infra.kafka_bootstrap, [request(batch_id, sample_ids[:3])])

    result = await watcher.first(batch_id, timeout_s=30)

    assert result.data.reason == "judge_unavailable"
