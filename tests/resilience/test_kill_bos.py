"""kill -9 BOS between the phases it orchestrates: after it started spellcheck, before CJ."""

from __future__ import annotations

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.resilience.kill_support import (
    PHASES,
    StackDatabases,
    bos_phases_started,
    check_batch_end,
    kill_mid_work,
    published_spellcheck_results,
    restart,
    start_cj_batch,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

BOS = "batch_orchestrator_service"
ESSAYS = 30


async def test_bos_killed_mid_pipeline_starts_the_next_phase_after_its_restart(
    running: Platform, user: Teacher, events: BatchEventWatcher, databases: StackDatabases
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    # Spellcheck of the whole batch outlasts the kill: BOS dies with phase 2 still to start.
    landing = await kill_mid_work(
        running,
        BOS,
        bos_phases_started(databases, batch_id),
        at_least=1,
        total=len(PHASES),
        unit="phases started by BOS",
    )
    spellchecked = await published_spellcheck_results(events, batch_id)()
    print(f"\nkilled BOS -9 after {landing}; {spellchecked}/{ESSAYS} essays spellchecked by then")
    print(f"started BOS again in {await restart(running, BOS):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
