"""BCS down when a pipeline request arrives: BOS keeps retrying it (never commits past it, never
dead-letters it) and the pipeline runs once BCS is back."""

from __future__ import annotations

import pytest

from common_core.event_enums import topic_name
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import teacher
from tests.functional.pipeline_support import E, watcher
from tests.resilience.fault_support import (
    IdFactory,
    assert_every_essay_ranked,
    bos_status,
    consumer_outcomes,
    eng5_files,
    finished_view,
    register,
    request_pipeline,
    upload_and_wait_ready,
    wait_for_outcomes,
)

pytestmark = [
    pytest.mark.functional,
    pytest.mark.integration,
    pytest.mark.usefixtures("running"),
]

BCS = "batch_conductor_service"
BOS = "batch_orchestrator_service"
REQUESTS = topic_name(E.CLIENT_BATCH_PIPELINE_REQUEST)
RETRIES_BEFORE_RESTART = 2


async def test_a_pipeline_requested_while_bcs_is_down_runs_once_bcs_is_back(
    platform: Platform, id_factory: IdFactory
) -> None:
    files = eng5_files()
    async with (
        teacher(platform, id_factory("teacher-bcs-down")) as user,
        watcher(platform) as events,
    ):
        batch_id = await register(user, len(files))
        await upload_and_wait_ready(platform, user, events, batch_id, files)
        await platform.stop(BCS)
        print(f"\n[bcs-down] batch {batch_id} ready; BCS stopped")
        try:
            before = await consumer_outcomes(platform, BOS)
            await request_pipeline(user, batch_id)
            delta = await wait_for_outcomes(
                platform, BOS, REQUESTS, "retried", since=before, at_least=RETRIES_BEFORE_RESTART
            )
            print(f"[bcs-down] BOS retried the request {delta.of(REQUESTS, 'retried'):.0f} times")
            assert delta.of(REQUESTS, "dead_lettered") == delta.of(REQUESTS, "skipped") == 0
            assert delta.of(REQUESTS, "handled") == 0
            assert not events.of(E.BATCH_PIPELINE_STARTED, batch_id)
            assert not events.of(E.PIPELINE_REQUEST_REJECTED, batch_id)
            bos = await bos_status(platform, batch_id)
            assert bos["status"] == "ready_for_pipeline_execution", bos
            print("[bcs-down] checked: no pipeline started or rejected, BOS still ready")
        finally:
            await platform.start(BCS)
        print("[bcs-down] BCS started again")
        done, view = await finished_view(user, events, batch_id)
        handled = (await consumer_outcomes(platform, BOS)).minus(before).of(REQUESTS, "handled")

    assert handled == 1
    assert len(events.of(E.BATCH_PIPELINE_STARTED, batch_id)) == 1
    assert done["final_status"] == "completed_successfully"
    assert_every_essay_ranked(view, len(files))
    print(
        f"[bcs-down] checked: the request was handled once, the pipeline ran "
        f"({done['final_status']}, {done['successful_essay_count']} essays) and the gateway "
        f"shows every essay spellchecked and ranked"
    )
