"""kill -9 the spell checker while it works through a batch's essays."""

from __future__ import annotations

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.functional.pipeline_support import E
from tests.resilience.kill_support import (
    StackDatabases,
    check_batch_end,
    kill_mid_work,
    published_spellcheck_results,
    restart,
    start_cj_batch,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

SPELLCHECKER = "spellchecker_service"
ESSAYS = 30


async def test_spellchecker_killed_mid_phase_loses_and_duplicates_no_essay(
    running: Platform, user: Teacher, events: BatchEventWatcher, databases: StackDatabases
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    landing = await kill_mid_work(
        running,
        SPELLCHECKER,
        published_spellcheck_results(events, batch_id),
        at_least=3,
        total=ESSAYS,
        unit="essays with a published spellcheck result",
    )
    assert not events.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch_id)
    print(f"\nkilled the spell checker -9 after {landing}")
    print(f"started the spell checker again in {await restart(running, SPELLCHECKER):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
