"""The event-driven projection: real events on the real topics drive pruning, idempotently."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from common_core.status_enums import PhaseName
from scripts.launcher.infra import InfraUrls

from .bcs_testing import (
    PARTIAL,
    cj_failed,
    define,
    phase_outcome,
    pipeline_completed,
    publish,
    scalar,
    spellcheck_result,
    wait_for_version,
)

pytestmark = pytest.mark.integration

ESSAYS = ["e1", "e2", "e3"]


async def test_clean_spellcheck_outcome_prunes_spellcheck(
    client: QuartClient,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    await define(client, batch_id, "spellcheck")  # caches the empty state first

    results = [spellcheck_result(batch_id, essay) for essay in ESSAYS]
    finished = [phase_outcome(batch_id, ESSAYS), pipeline_completed(batch_id, 3)]
    await publish(infra.kafka_bootstrap, *results, *finished)
    await wait_for_version(bcs_engine, batch_id, 5)

    status, body = await define(client, batch_id, "spellcheck")
    assert status == 200, body
    assert (body["final_pipeline"], body["pruned_phases"]) == ([], ["spellcheck"])
    assert body["analysis_summary"]["state_source"] == "cache"

    _, cj = await define(client, batch_id, "cj_assessment")
    assert (cj["final_pipeline"], cj["pruned_phases"]) == (["cj_assessment"], ["spellcheck"])
    summary = cj["analysis_summary"]
    assert summary["known_essay_count"] == 3
    assert summary["phases"]["spellcheck"]["successful_essays"] == 3
    assert summary["phases"]["spellcheck"]["last_outcome"] == "completed_successfully"
    assert summary["last_pipeline_run"]["successful_essay_count"] == 3


async def test_redelivered_events_are_applied_once(
    client: QuartClient,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    result = spellcheck_result(batch_id, "e1")
    outcome = phase_outcome(batch_id, ["e1"])
    marker = pipeline_completed(batch_id, 1)

    # One key, one partition: the marker is handled after both duplicates.
    await publish(infra.kafka_bootstrap, result, outcome, result, outcome, marker)
    await wait_for_version(bcs_engine, batch_id, 3)

    processed = await scalar(
        bcs_engine,
        "SELECT count(*) FROM processed_events WHERE event_id IN (:r, :o, :m)",
        r=str(result.event_id),
        o=str(outcome.event_id),
        m=str(marker.event_id),
    )
    assert processed == 3
    completions = await scalar(
        bcs_engine, "SELECT count(*) FROM phase_completions WHERE batch_id = :b", b=batch_id
    )
    assert completions == 1
    _, body = await define(client, batch_id, "spellcheck")
    assert body["pruned_phases"] == ["spellcheck"]
    assert body["analysis_summary"]["state_version"] == 3


async def test_partial_outcome_prunes_nothing_until_a_clean_rerun(
    client: QuartClient,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    partial = phase_outcome(batch_id, ["e1", "e2"], ["e3"], status=PARTIAL)
    await publish(infra.kafka_bootstrap, partial)
    await wait_for_version(bcs_engine, batch_id, 1)

    _, body = await define(client, batch_id, "spellcheck")
    assert (body["final_pipeline"], body["pruned_phases"]) == (["spellcheck"], [])
    phase = body["analysis_summary"]["phases"]["spellcheck"]
    assert (phase["successful_essays"], phase["failed_essays"]) == (2, 1)

    await publish(infra.kafka_bootstrap, phase_outcome(batch_id, ESSAYS, run_id="run-2"))
    await wait_for_version(bcs_engine, batch_id, 2)

    _, rerun = await define(client, batch_id, "spellcheck")
    assert (rerun["final_pipeline"], rerun["pruned_phases"]) == ([], ["spellcheck"])


async def test_only_essays_of_the_batch_decide_and_cj_failure_is_reported(
    client: QuartClient,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    spellchecked = phase_outcome(batch_id, ESSAYS)
    await publish(infra.kafka_bootstrap, spellchecked, cj_failed(batch_id))
    await wait_for_version(bcs_engine, batch_id, 2)

    _, body = await define(client, batch_id, "cj_assessment")

    assert (body["final_pipeline"], body["pruned_phases"]) == (["cj_assessment"], ["spellcheck"])
    cj = body["analysis_summary"]["phases"][PhaseName.CJ_ASSESSMENT.value]
    assert cj["complete"] is False
    assert cj["last_outcome"] == "failed"
    assert cj["last_failure_reason"] == "too_few_essays: Need two."
