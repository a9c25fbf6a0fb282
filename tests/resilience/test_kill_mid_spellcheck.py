"""kill -9 a service while the batch's spellcheck phase is under way: the spell checker (doing
the work), the ELS worker (recording it) or the Result Aggregator (showing it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.functional.pipeline_support import E
from tests.resilience.kill_support import (
    Progress,
    StackDatabases,
    check_batch_end,
    els_outcomes,
    kill_mid_work,
    published_spellcheck_results,
    ras_spellcheck_results,
    restart,
    start_cj_batch,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

ESSAYS = 30


@dataclass(frozen=True)
class Victim:
    service: str
    label: str
    unit: str
    progress: Callable[[BatchEventWatcher, StackDatabases, str], Progress]
    # True when the counted work happens before ELS can request CJ (so CJ cannot have started).
    precedes_cj_request: bool


VICTIMS = [
    Victim(
        "spellchecker_service",
        "the spell checker",
        "essays with a published spellcheck result",
        lambda events, _dbs, batch_id: published_spellcheck_results(events, batch_id),
        precedes_cj_request=True,
    ),
    Victim(
        "essay_lifecycle_worker",
        "the ELS worker",
        "essays recorded as spellchecked by ELS",
        lambda _events, dbs, batch_id: els_outcomes(dbs, batch_id, "spellchecked_success"),
        precedes_cj_request=True,
    ),
    Victim(
        "result_aggregator_service",
        "RAS",
        "essays with a spellcheck result in RAS's view",
        lambda _events, dbs, batch_id: ras_spellcheck_results(dbs, batch_id),
        precedes_cj_request=False,
    ),
]


@pytest.mark.parametrize("victim", VICTIMS, ids=lambda victim: victim.service)
async def test_killed_mid_spellcheck_loses_and_duplicates_no_essay(
    victim: Victim,
    running: Platform,
    user: Teacher,
    events: BatchEventWatcher,
    databases: StackDatabases,
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    landing = await kill_mid_work(
        running,
        victim.service,
        victim.progress(events, databases, batch_id),
        at_least=3,
        total=ESSAYS,
        unit=victim.unit,
    )
    if victim.precedes_cj_request:
        assert not events.of(E.ELS_CJ_ASSESSMENT_REQUESTED, batch_id)
    print(f"\nkilled {victim.label} -9 after {landing}")
    print(f"started {victim.label} again in {await restart(running, victim.service):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
