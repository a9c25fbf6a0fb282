"""The `spellcheck` pipeline across every service involved, each a real process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from scripts.launcher.platform import Platform
from scripts.sample_essays import load_sample_batches
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


@pytest_asyncio.fixture(loop_scope="session")
async def stack(platform: Platform) -> AsyncIterator[StackClient]:
    await platform.start_services(PIPELINE_SERVICES)
    async with StackClient(platform) as client:
        yield client


def sample_files(course_code: str) -> list[tuple[str, bytes]]:
    sample = load_sample_batches()[course_code]
    return [(essay.file_name, essay.read_bytes()) for essay in sample.essays]


def expected_corrections(course_code: str) -> dict[str, set[tuple[str, str]]]:
    sample = load_sample_batches()[course_code]
    return {essay.file_name: set(essay.misspellings) for essay in sample.essays}


async def test_english_batch_is_corrected_and_a_rerun_is_pruned(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), sample_files("ENG5"))
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "spellcheck")
        done = await completed(events, batch.batch_id)

        assert done["final_status"] == "completed_successfully"
        assert done["successful_essay_count"] == 5 and done["failed_essay_count"] == 0
        assert [(p["phase"], p["successful"]) for p in done["phase_results"]] == [("spellcheck", 5)]
        results = results_by_essay(events, batch.batch_id)
        essays = batch.essay_by_file()
        for file_name, wanted in expected_corrections("ENG5").items():
            (result,) = {r["event_id"]: r for r in results[essays[file_name]["essay_id"]]}.values()
            made = {(c["original"], c["corrected"]) for c in result["data"]["corrections"]}
            assert wanted <= made, f"{file_name}: missing {wanted - made}"

        # The same pipeline again: BCS prunes spellcheck, nothing is re-run.
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "spellcheck")
        again = await completed(events, batch.batch_id, count=2)
        assert again["final_status"] == "completed_successfully"
        assert again["phase_results"] == []
        started = events.of(E.BATCH_PIPELINE_STARTED, batch.batch_id)
        assert started[-1]["data"]["pruned_phases"] == ["spellcheck"]
        assert len(events.of(E.BATCH_PHASE_STARTED, batch.batch_id)) == 1
        distinct_results = {r["event_id"] for r in events.of(E.SPELLCHECK_RESULT, batch.batch_id)}
        assert len(distinct_results) == 5


async def test_a_request_before_readiness_runs_once_the_batch_is_ready(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    user = id_factory("teacher")
    files = sample_files("ENG5")[:2]
    async with watcher(platform) as events:
        batch_id = (await stack.register_batch(user, len(files)))["batch_id"]
        events.add_batch(batch_id)
        await publish_pipeline_request(platform.infra.kafka_bootstrap, batch_id, user, "spellcheck")
        assert (await stack.upload(batch_id, user, files)).status_code == 202
        done = await completed(events, batch_id)
    assert done["final_status"] == "completed_successfully"
    assert done["successful_essay_count"] == 2


async def test_a_swedish_batch_gets_swedish_corrections(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    async with watcher(platform) as events:
        batch = await ready_batch(
            stack, events, id_factory("teacher"), sample_files("SV1"), course_code="SV1"
        )
        await publish_pipeline_request(
            platform.infra.kafka_bootstrap, batch.batch_id, batch.user_id, "spellcheck"
        )
        done = await completed(events, batch.batch_id)
        results = results_by_essay(events, batch.batch_id)
    assert done["final_status"] == "completed_successfully"
    essays = batch.essay_by_file()
    wanted_total, fixed_total = 0, 0
    for file_name, wanted in expected_corrections("SV1").items():
        result = results[essays[file_name]["essay_id"]][0]["data"]
        assert result["language"] == "sv"
        made = {(c["original"], c["corrected"]) for c in result["corrections"]}
        assert wanted & made, f"{file_name}: none of {wanted} corrected"
        wanted_total, fixed_total = wanted_total + len(wanted), fixed_total + len(wanted & made)
    print(f"Swedish sample batch: {fixed_total}/{wanted_total} deliberate misspellings fixed")
    assert fixed_total >= 0.7 * wanted_total


async def test_requests_for_a_strangers_batch_or_an_unknown_pipeline_are_rejected(
    platform: Platform, stack: StackClient, id_factory: IdFactory
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    async with watcher(platform) as events:
        batch = await ready_batch(stack, events, id_factory("teacher"), sample_files("ENG5")[:1])
        await publish_pipeline_request(bootstrap, batch.batch_id, id_factory("other"), "spellcheck")
        await publish_pipeline_request(bootstrap, batch.batch_id, batch.user_id, "ai_feedback")
        rejected = await events.wait_for(
            E.PIPELINE_REQUEST_REJECTED, batch_id=batch.batch_id, count=2
        )
    reasons = {(r["data"]["requested_pipeline"], r["data"]["reason_code"]) for r in rejected}
    assert reasons == {("spellcheck", "not_owner"), ("ai_feedback", "unknown_pipeline")}
    assert not events.of(E.BATCH_PIPELINE_STARTED, batch.batch_id)
