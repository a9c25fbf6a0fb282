"""The `cj_assessment` pipeline: spellcheck then comparative judgement, every service a process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.essay_text import synthetic_essay
from scripts.launcher.platform import Platform
from scripts.sample_essays import load_sample_batches
from scripts.stack_client import StackClient, publish_pipeline_request
from tests.functional.pipeline_support import PIPELINE_SERVICES, E, completed, ready_batch, watcher

pytestmark = [pytest.mark.functional, pytest.mark.integration]

IdFactory = Callable[[str], str]
CJ = "cj_assessment_service"
CJ_SERVICES = (*PIPELINE_SERVICES, CJ)


@pytest_asyncio.fixture(loop_scope="session")
async def stack(platform: Platform) -> AsyncIterator[StackClient]:
    await platform.start_services(CJ_SERVICES)
    async with StackClient(platform) as client:
        yield client


async def judged_comparisons(platform: Platform, batch_id: str) -> int:
    engine = create_async_engine(platform.infra.database_url("cj"))
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(
                sa.text(
                    "SELECT count(*) FROM cj_comparisons c JOIN cj_assessments a"
                    " ON a.id = c.assessment_id WHERE a.batch_id = :batch"
                    " AND c.winner_id IS NOT NULL"
                ),
                {"batch": batch_id},
            )
    finally:
        await engine.dispose()
    return int(count or 0)


async def wait_for_judgements(platform: Platform, batch_id: str, *, at_least: int) -> int:
    deadline = asyncio.get_running_loop().time() + 120
    while (judged := await judged_comparisons(platform, batch_id)) < at_least:
        assert asyncio.get_running_loop().time() < deadline, "the assessment made no progress"
        await asyncio.sleep(0.05)
    return judged


def eng5_files() -> list[tuple[str, bytes]]:
    return [(e.file_name, e.read_bytes()) for e in load_sample_batches()["ENG5"].essays]


async def test_five_essays_are_spellchecked_then_ranked_best_first(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), eng5_files())
        await publish_pipeline_request(
            platform.infra.kafka_bootstrap, batch.batch_id, batch.user_id, "cj_assessment"
        )
        done = await completed(events, batch.batch_id, timeout_s=180)
        phases = [e["data"]["phase"] for e in events.of(E.BATCH_PHASE_STARTED, batch.batch_id)]
        (ranking,) = {
            e["event_id"]: e["data"] for e in events.of(E.CJ_ASSESSMENT_COMPLETED, batch.batch_id)
        }.values()

    assert done["final_status"] == "completed_successfully"
    assert done["successful_essay_count"] == 5
    assert phases == ["spellcheck", "cj_assessment"]
    rank_of = {r["essay_id"]: r["rank"] for r in ranking["rankings"]}
    assert sorted(rank_of.values()) == [1, 2, 3, 4, 5]
    essays = batch.essay_by_file()
    assert rank_of[essays["01_Lindqvist_Astrid.txt"]["essay_id"]] == 1
    assert rank_of[essays["05_Johansson_Liam.txt"]["essay_id"]] == 5


async def test_after_a_spellcheck_run_cj_assessment_prunes_spellcheck(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), eng5_files()[:3])
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "spellcheck")
        await completed(events, batch.batch_id)
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "cj_assessment")
        done = await completed(events, batch.batch_id, count=2, timeout_s=180)
        started = events.of(E.BATCH_PIPELINE_STARTED, batch.batch_id)[-1]["data"]

    assert started["pruned_phases"] == ["spellcheck"]
    assert started["phases"] == ["cj_assessment"]
    assert [p["phase"] for p in done["phase_results"]] == ["cj_assessment"]
    assert done["final_status"] == "completed_successfully"


async def test_killing_the_cj_service_mid_assessment_still_gives_one_ranking(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    essays = [(f"essay_{i:02d}.txt", synthetic_essay(i, 200).encode()) for i in range(20)]
    # Many comparisons, each stored on its own: seconds of judging to kill into.
    platform.configure_service(CJ, {"COMPARISONS_PER_ESSAY": "60", "JUDGING_CHUNK_SIZE": "1"})
    await platform.stop(CJ)
    await platform.start(CJ)
    try:
        async with watcher(platform) as events:
            batch = await ready_batch(stack, events, id_factory("teacher"), essays)
            await publish_pipeline_request(
                platform.infra.kafka_bootstrap, batch.batch_id, batch.user_id, "cj_assessment"
            )
            await events.wait_for(
                E.ELS_CJ_ASSESSMENT_REQUESTED, batch_id=batch.batch_id, timeout_s=120
            )
            judged = await wait_for_judgements(platform, batch.batch_id, at_least=50)
            await platform.kill(CJ)
            print(f"killed the CJ service after {judged} stored judgements; starting it again")
            assert await judged_comparisons(platform, batch.batch_id) < 20 * 60 // 2
            assert not events.of(E.CJ_ASSESSMENT_COMPLETED, batch.batch_id)
            await platform.start(CJ)
            done = await completed(events, batch.batch_id, timeout_s=300)
            rankings = {e["event_id"] for e in events.of(E.CJ_ASSESSMENT_COMPLETED, batch.batch_id)}
    finally:
        platform.configure_service(CJ, None)
        await platform.stop(CJ)
        await platform.start(CJ)
    assert done["final_status"] == "completed_successfully"
    assert done["successful_essay_count"] == 20
    assert len(rankings) == 1
