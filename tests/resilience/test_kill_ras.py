"""kill -9 the Result Aggregator while it records a batch's spellcheck results."""

from __future__ import annotations

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.resilience.kill_support import (
    StackDatabases,
    check_batch_end,
    kill_mid_work,
    ras_spellcheck_results,
    restart,
    start_cj_batch,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

RAS = "result_aggregator_service"
ESSAYS = 30


async def test_ras_killed_mid_phase_ends_with_bos_state_and_each_essay_once(
    running: Platform, user: Teacher, events: BatchEventWatcher, databases: StackDatabases
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    landing = await kill_mid_work(
        running,
        RAS,
        ras_spellcheck_results(databases, batch_id),
        at_least=3,
        total=ESSAYS,
        unit="essays with a spellcheck result in RAS's view",
    )
    print(f"\nkilled RAS -9 after {landing}")
    print(f"started RAS again in {await restart(running, RAS):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
