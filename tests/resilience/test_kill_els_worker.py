"""kill -9 the ELS worker while it records a batch's spellcheck results."""

from __future__ import annotations

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.functional.pipeline_support import E
from tests.resilience.kill_support import (
    StackDatabases,
    check_batch_end,
    els_outcomes,
    kill_mid_work,
    restart,
    start_cj_batch,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

ELS_WORKER = "essay_lifecycle_worker"
ESSAYS = 30


async def test_els_worker_killed_mid_phase_counts_every_essay_once(
    running: Platform, user: Teacher, events: BatchEventWatcher, databases: StackDatabases
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    landing = await kill_mid_work(
        running,
        ELS_WORKER,
        els_outcomes(databases, batch_id, "spellchecked_success"),
        at_least=3,
        total=ESSAYS,
        unit="essays recorded as spellchecked by ELS",
    )
    assert not events.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch_id)
    print(f"\nkilled the ELS worker -9 after {landing}")
    print(f"started the ELS worker again in {await restart(running, ELS_WORKER):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
