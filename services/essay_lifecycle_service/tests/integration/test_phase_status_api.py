"""The status API shows what the phases did for an essay (in-process app, real database)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from prometheus_client import CollectorRegistry
from quart.typing import TestClientProtocol as Client

from common_core.events import EssayTextRef
from huleedu_service_libs.auth import internal_auth_headers
from services.essay_lifecycle_service.app import create_app
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.tests.integration.phase_support import (
    cj_command,
    cj_completed,
    corrected_id,
    deliver,
    new_run_id,
    ready_batch,
    spellcheck_command,
    spellcheck_result,
)

pytestmark = pytest.mark.integration

API_KEY = "els-api-test-key"
AUTH = internal_auth_headers("result_aggregator_service", API_KEY)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(database_url: str) -> AsyncIterator[Client]:
    settings = ElsSettings(database_url=database_url, internal_api_key=API_KEY, log_level="WARNING")
    app = create_app(settings, metrics_registry=CollectorRegistry())
    async with app.test_app() as test_app:
        yield test_app.test_client()


async def test_status_and_timeline_show_the_spellcheck_and_cj_results(
    client: Client, intake: IntakeService, phases: PhaseService
) -> None:
    batch = await ready_batch(intake, 2)
    run_id, (first, second) = new_run_id(), batch.essay_ids
    await deliver(phases, spellcheck_command(batch, run_id))
    for essay_id in (first, second):
        await deliver(phases, spellcheck_result(batch.batch_id, run_id, essay_id, corrections=3))
    corrected = [EssayTextRef(essay_id=e, text_storage_id=corrected_id(e)) for e in (first, second)]
    await deliver(phases, cj_command(batch.batch_id, run_id, corrected))
    await deliver(
        phases, cj_completed(batch.batch_id, run_id, [(first, 2, -0.5), (second, 1, 0.5)])
    )

    body = await (await client.get(f"/v1/essays/{first}/status", headers=AUTH)).get_json()
    assert body["status"] == "cj_assessment_success"
    spell, cj = body["phase_results"]
    assert (spell["phase"], spell["outcome"], spell["output_text_storage_id"]) == (
        "spellcheck",
        "success",
        corrected_id(first),
    )
    assert spell["details"]["correction_count"] == 3
    assert spell["details"]["spelling_error_rate"] == 0.03
    assert (cj["phase"], cj["input_text_storage_id"]) == ("cj_assessment", corrected_id(first))
    assert (cj["details"]["rank"], cj["details"]["score"]) == (2, -0.5)
    assert spell["pipeline_run_id"] == cj["pipeline_run_id"] == run_id

    timeline = await (await client.get(f"/v1/essays/{first}/timeline", headers=AUTH)).get_json()
    steps = [(t["to_status"], t["cause"]) for t in timeline["transitions"]][-6:]
    assert steps == [
        ("awaiting_spellcheck", "phase_command"),
        ("spellchecking_in_progress", "phase_command"),
        ("spellchecked_success", "spellcheck_result"),
        ("awaiting_cj_assessment", "phase_command"),
        ("cj_assessment_in_progress", "phase_command"),
        ("cj_assessment_success", "cj_assessment_result"),
    ]
    assert timeline["transitions"][-1]["details"]["rank"] == 2
    assert len(timeline["phase_results"]) == 2


async def test_an_essay_that_never_ran_a_phase_has_no_phase_results(
    client: Client, intake: IntakeService
) -> None:
    batch = await ready_batch(intake, 1)
    body = await (
        await client.get(f"/v1/essays/{batch.essay_ids[0]}/status", headers=AUTH)
    ).get_json()
    assert (body["status"], body["phase_results"]) == ("ready_for_processing", [])
