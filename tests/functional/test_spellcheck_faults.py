"""The `spellcheck` pipeline survives a killed spell checker, a missing BCS and a Redis restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from benchmarks.essay_text import synthetic_essay
from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient, publish_pipeline_request
from tests.functional.pipeline_support import (
    PIPELINE_SERVICES,
    E,
    completed,
    ready_batch,
    results_by_essay,
    watcher,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

IdFactory = Callable[[str], str]
LARGE_BATCH = 60


@pytest_asyncio.fixture(loop_scope="session")
async def stack(platform: Platform) -> AsyncIterator[StackClient]:
    await platform.start_services(PIPELINE_SERVICES)
    async with StackClient(platform) as client:
        yield client
    await platform.start_services(PIPELINE_SERVICES)  # whatever a test left down


def essays(count: int, words: int = 250) -> list[tuple[str, bytes]]:
    return [(f"essay_{i:03d}.txt", synthetic_essay(i, words).encode()) for i in range(count)]


async def test_killing_the_spell_checker_mid_phase_loses_and_duplicates_nothing(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), essays(LARGE_BATCH))
        await publish_pipeline_request(
            platform.infra.kafka_bootstrap, batch.batch_id, batch.user_id, "spellcheck"
        )
        await events.wait_for(E.SPELLCHECK_RESULT, batch_id=batch.batch_id, count=3)
        await platform.kill("spellchecker_service")
        landed = len(results_by_essay(events, batch.batch_id))
        print(f"killed the spell checker after {landed}/{LARGE_BATCH} essays had results")
        assert 0 < landed < LARGE_BATCH, "the kill did not land mid-phase"

        await platform.start("spellchecker_service")
        done = await completed(events, batch.batch_id, timeout_s=240)

    assert done["final_status"] == "completed_successfully"
    assert done["successful_essay_count"] == LARGE_BATCH
    assert done["phase_results"][0]["successful"] == LARGE_BATCH
    outcomes = events.of(E.ELS_BATCH_PHASE_OUTCOME, batch.batch_id)
    assert len({o["event_id"] for o in outcomes}) == 1
    assert len(results_by_essay(events, batch.batch_id)) == LARGE_BATCH


async def test_a_request_made_while_bcs_is_down_runs_once_it_is_back(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), essays(2))
        await platform.stop("batch_conductor_service")
        try:
            await publish_pipeline_request(
                platform.infra.kafka_bootstrap, batch.batch_id, batch.user_id, "spellcheck"
            )
            await asyncio.sleep(3)
            assert not events.of(E.BATCH_PIPELINE_STARTED, batch.batch_id)
            assert not events.of(E.PIPELINE_REQUEST_REJECTED, batch.batch_id)
        finally:
            await platform.start("batch_conductor_service")
        done = await completed(events, batch.batch_id, timeout_s=180)
    assert done["final_status"] == "completed_successfully"


async def test_after_a_redis_restart_a_later_request_is_still_pruned(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), essays(2))
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "spellcheck")
        await completed(events, batch.batch_id)

        await platform.stop("redis")
        await platform.start("redis")  # same port, empty: BCS's cache is gone

        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "spellcheck")
        again = await completed(events, batch.batch_id, count=2, timeout_s=120)
    assert again["phase_results"] == []
    assert events.of(E.BATCH_PIPELINE_STARTED, batch.batch_id)[-1]["data"]["pruned_phases"] == [
        "spellcheck"
    ]
