"""Pipeline orchestration in-process against real Postgres, Kafka and a real BCS over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.status_enums import PhaseName
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from scripts.launcher.processes import free_port

from .bos_testing import app_settings, essays_ready, running_app, scalar
from .pipeline_testing import (
    CJ_TOPIC,
    COMPLETED_TOPIC,
    PHASE_STARTED_TOPIC,
    REJECTED_TOPIC,
    SPELLCHECK_TOPIC,
    STARTED_TOPIC,
    batch_status,
    bcs_settings,
    keyed_data,
    migrated_bcs_database,
    phase_outcome,
    pipeline_request,
    ready_batch,
    registered_batch,
    served_bcs,
    wait_for_batch_status,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bcs_url(infra: InfraUrls) -> AsyncIterator[str]:
    database_url = await migrated_bcs_database(infra)
    async with served_bcs(bcs_settings(infra, database_url, free_port())) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(
    infra: InfraUrls, bos_database_url: str, bcs_url: str
) -> AsyncIterator[QuartClient]:
    settings = app_settings(infra, bos_database_url, bcs_url=bcs_url)
    async with running_app(settings) as test_client:
        yield test_client


@pytest.fixture
def publish(bus: KafkaBus) -> Callable[..., Any]:
    return bus.publish


async def request_pipeline(bus: KafkaBus, batch_id: str, pipeline: str, user_id: str) -> None:
    await bus.publish(pipeline_request(batch_id, pipeline, user_id), key=batch_id)


async def wait_for_queued(client: QuartClient, batch_id: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            status = await batch_status(client, batch_id)
            if status["pipeline_state"]["queued_pipeline"] is not None:
                return status
            await asyncio.sleep(0.05)


async def rejection(infra: InfraUrls, batch_id: str, reason: str) -> dict[str, Any]:
    """The rejection of `reason` for the batch (another BOS on the broker may add others)."""
    async with asyncio.timeout(30):
        while True:
            found = await keyed_data(infra.kafka_bootstrap, REJECTED_TOPIC, batch_id)
            matching = [data for data in found if data["reason_code"] == reason]
            if matching:
                return matching[0]


async def test_request_starts_the_run_and_the_spellcheck_phase(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, essay_ids = await ready_batch(client, bus.publish, user_id, course_code="SV2")

    await request_pipeline(bus, batch_id, "spellcheck", user_id)

    bootstrap = infra.kafka_bootstrap
    [started] = await keyed_data(bootstrap, STARTED_TOPIC, batch_id)
    assert started["requested_pipeline"] == "spellcheck"
    assert started["phases"] == ["spellcheck"] and started["pruned_phases"] == []
    run_id = started["pipeline_run_id"]
    [phase_started] = await keyed_data(bootstrap, PHASE_STARTED_TOPIC, batch_id)
    assert phase_started == {
        "batch_id": batch_id,
        "pipeline_run_id": run_id,
        "phase": "spellcheck",
        "essay_count": 3,
    }
    [command] = await keyed_data(bootstrap, SPELLCHECK_TOPIC, batch_id)
    assert command["pipeline_run_id"] == run_id
    assert command["language"] == "sv"
    assert command["essays"] == [
        {"essay_id": essay_id, "text_storage_id": f"text-{essay_id}"} for essay_id in essay_ids
    ]
    status = await batch_status(client, batch_id)
    assert status["status"] == "processing_pipelines"
    latest = status["pipeline_state"]["latest_run"]
    assert latest["pipeline_run_id"] == run_id
    assert latest["phases"][0]["status"] == "dispatch_initiated"


@pytest.mark.parametrize("reason", ["unknown_batch", "not_owner", "unknown_pipeline"])
async def test_requests_bos_cannot_honour_are_rejected(
    client: QuartClient,
    bus: KafkaBus,
    infra: InfraUrls,
    id_factory: Callable[[str], str],
    reason: str,
) -> None:
    owner = id_factory("teacher")
    batch_id, _ = await ready_batch(client, bus.publish, owner)
    requester, pipeline = owner, "spellcheck"
    if reason == "unknown_batch":
        batch_id = id_factory("batch")
    elif reason == "not_owner":
        requester = id_factory("intruder")
    else:
        pipeline = "ai_feedback"

    await request_pipeline(bus, batch_id, pipeline, requester)

    rejected = await rejection(infra, batch_id, reason)
    assert rejected["user_id"] == requester
    assert rejected["requested_pipeline"] == pipeline
    assert rejected["message"]
    if reason == "unknown_pipeline":
        assert "spellcheck" in rejected["message"]  # BCS names the pipelines that exist
    if reason != "unknown_batch":
        assert (await batch_status(client, batch_id))["status"] == "ready_for_pipeline_execution"


async def test_a_second_request_while_running_is_rejected(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, _ = await ready_batch(client, bus.publish, user_id)
    await request_pipeline(bus, batch_id, "spellcheck", user_id)
    await wait_for_batch_status(client, batch_id, "processing_pipelines")

    await request_pipeline(bus, batch_id, "cj_assessment", user_id)

    rejected = await rejection(infra, batch_id, "already_running")
    assert rejected["requested_pipeline"] == "cj_assessment"
    assert len(await keyed_data(infra.kafka_bootstrap, STARTED_TOPIC, batch_id)) == 1


async def test_a_batch_without_usable_essays_is_rejected(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, _ = await registered_batch(client, user_id)
    await bus.publish(essays_ready(batch_id, []), key=batch_id)
    await wait_for_batch_status(client, batch_id, "failed")

    await request_pipeline(bus, batch_id, "spellcheck", user_id)

    rejected = await rejection(infra, batch_id, "batch_failed")
    assert "no_usable_essays" in rejected["message"]


async def test_a_request_before_readiness_waits_and_starts_when_ready(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, essay_ids = await registered_batch(client, user_id, course_code="ENG5")
    await request_pipeline(bus, batch_id, "spellcheck", user_id)
    waiting = await wait_for_queued(client, batch_id)
    assert waiting["status"] == "awaiting_content"
    assert waiting["pipeline_state"]["queued_pipeline"] == "spellcheck"

    await bus.publish(essays_ready(batch_id, essay_ids[:2]), key=batch_id)

    [started] = await keyed_data(infra.kafka_bootstrap, STARTED_TOPIC, batch_id)
    [command] = await keyed_data(infra.kafka_bootstrap, SPELLCHECK_TOPIC, batch_id)
    assert command["pipeline_run_id"] == started["pipeline_run_id"]
    assert command["language"] == "en"
    assert [essay["essay_id"] for essay in command["essays"]] == essay_ids[:2]
    status = await wait_for_batch_status(client, batch_id, "processing_pipelines")
    assert status["pipeline_state"]["queued_pipeline"] is None


async def test_outcomes_drive_the_next_phase_and_the_completion(
    client: QuartClient,
    bus: KafkaBus,
    infra: InfraUrls,
    bos_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    user_id = id_factory("teacher")
    batch_id, (e1, e2, e3) = await ready_batch(client, bus.publish, user_id, course_code="ENG7")
    bootstrap = infra.kafka_bootstrap
    await request_pipeline(bus, batch_id, "cj_assessment", user_id)
    [started] = await keyed_data(bootstrap, STARTED_TOPIC, batch_id)
    assert started["phases"] == ["spellcheck", "cj_assessment"]
    run_id = started["pipeline_run_id"]
    await keyed_data(bootstrap, SPELLCHECK_TOPIC, batch_id)

    corrected = {e1: f"corrected-{e1}", e3: f"corrected-{e3}"}
    spellchecked = phase_outcome(batch_id, run_id, PhaseName.SPELLCHECK, corrected, [e2])
    await bus.publish(spellchecked, key=batch_id)
    await bus.publish(spellchecked, key=batch_id)  # redelivered
    again = phase_outcome(batch_id, run_id, PhaseName.SPELLCHECK, corrected, [e2])
    await bus.publish(again, key=batch_id)  # the same outcome under a new event id

    [cj_command] = await keyed_data(bootstrap, CJ_TOPIC, batch_id)
    assert cj_command["pipeline_run_id"] == run_id
    assert cj_command["language"] == "en"
    assert cj_command["essay_instructions"] == "Beskriv din sommar."
    assert cj_command["essays"] == [
        {"essay_id": e1, "text_storage_id": f"corrected-{e1}"},
        {"essay_id": e3, "text_storage_id": f"corrected-{e3}"},
    ]
    phase_starts = await keyed_data(bootstrap, PHASE_STARTED_TOPIC, batch_id, at_least=2)
    assert [(p["phase"], p["essay_count"]) for p in phase_starts] == [
        ("spellcheck", 3),
        ("cj_assessment", 2),
    ]

    ranked = phase_outcome(batch_id, run_id, PhaseName.CJ_ASSESSMENT, {e1: f"corrected-{e1}"}, [e3])
    await bus.publish(ranked, key=batch_id)

    [completed] = await keyed_data(bootstrap, COMPLETED_TOPIC, batch_id)
    assert completed["pipeline_run_id"] == run_id
    assert completed["final_status"] == "completed_with_partial_success"
    assert (completed["successful_essay_count"], completed["failed_essay_count"]) == (1, 2)
    assert completed["phase_results"] == [
        {
            "phase": "spellcheck",
            "status": "completed_with_partial_success",
            "successful": 2,
            "failed": 1,
        },
        {
            "phase": "cj_assessment",
            "status": "completed_with_partial_success",
            "successful": 1,
            "failed": 1,
        },
    ]
    status = await wait_for_batch_status(client, batch_id, "completed_with_failures")
    assert status["pipeline_state"]["active_pipeline_run_id"] is None
    assert status["pipeline_state"]["completed_phases"] == ["spellcheck", "cj_assessment"]
    cj_commands = await scalar(
        bos_engine,
        "SELECT count(*) FROM event_outbox WHERE topic = :t AND key = :k",
        t=CJ_TOPIC,
        k=batch_id,
    )
    assert cj_commands == 1


async def test_a_completed_phase_is_pruned_and_the_request_completes_at_once(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, essay_ids = await ready_batch(client, bus.publish, user_id)
    bootstrap = infra.kafka_bootstrap
    await request_pipeline(bus, batch_id, "spellcheck", user_id)
    [first] = await keyed_data(bootstrap, STARTED_TOPIC, batch_id)
    texts = {essay_id: f"corrected-{essay_id}" for essay_id in essay_ids}
    outcome = phase_outcome(batch_id, first["pipeline_run_id"], PhaseName.SPELLCHECK, texts)
    await bus.publish(outcome, key=batch_id)
    await wait_for_batch_status(client, batch_id, "completed_successfully")

    await request_pipeline(bus, batch_id, "spellcheck", user_id)

    runs = await keyed_data(bootstrap, STARTED_TOPIC, batch_id, at_least=2)
    second = runs[1]
    assert second["phases"] == [] and second["pruned_phases"] == ["spellcheck"]
    completions = await keyed_data(bootstrap, COMPLETED_TOPIC, batch_id, at_least=2)
    done = completions[1]
    assert done["pipeline_run_id"] == second["pipeline_run_id"]
    assert done["final_status"] == "completed_successfully"
    assert done["phase_results"] == []
    assert (done["successful_essay_count"], done["failed_essay_count"]) == (3, 0)
    assert len(await keyed_data(bootstrap, SPELLCHECK_TOPIC, batch_id)) == 1
    assert (await batch_status(client, batch_id))["status"] == "completed_successfully"


async def test_an_outcome_for_an_unknown_run_is_skipped(
    client: QuartClient, bus: KafkaBus, infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("teacher")
    batch_id, essay_ids = await ready_batch(client, bus.publish, user_id)

    # A failed outcome, so that BCS's projection (which takes it too) prunes nothing.
    stray = phase_outcome(batch_id, id_factory("run"), PhaseName.SPELLCHECK, {}, essay_ids)
    await bus.publish(stray, key=batch_id)
    await request_pipeline(bus, batch_id, "spellcheck", user_id)

    await keyed_data(infra.kafka_bootstrap, SPELLCHECK_TOPIC, batch_id)
    status = await batch_status(client, batch_id)
    assert status["status"] == "processing_pipelines"
    assert status["pipeline_state"]["completed_phases"] == []
