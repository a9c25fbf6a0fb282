"""kill -9 the CJ service while it judges a batch's comparisons."""

from __future__ import annotations

import pytest

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher
from tests.functional.pipeline_support import E
from tests.resilience.kill_support import (
    StackDatabases,
    check_batch_end,
    cj_comparisons,
    kill_mid_work,
    restart,
    start_cj_batch,
    wait_for_progress,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

CJ = "cj_assessment_service"
# 60 essays x 8 comparisons each / 2 = 240 comparisons, stored in chunks of 16: about a
# second of judging to kill into.
ESSAYS = 60


async def test_cj_killed_mid_assessment_gives_one_ranking_of_every_essay(
    running: Platform, user: Teacher, events: BatchEventWatcher, databases: StackDatabases
) -> None:
    batch_id = await start_cj_batch(user, events, ESSAYS)
    planned = await wait_for_progress(cj_comparisons(databases, batch_id, judged=False), 1)
    landing = await kill_mid_work(
        running,
        CJ,
        cj_comparisons(databases, batch_id, judged=True),
        at_least=1,
        total=planned,
        unit="comparisons judged and stored",
    )
    assert not events.of(E.CJ_ASSESSMENT_COMPLETED, batch_id)
    print(f"\nkilled the CJ service -9 after {landing}")
    print(f"started the CJ service again in {await restart(running, CJ):.1f} s")
    await check_batch_end(running, user, events, databases, batch_id, ESSAYS)
    stored = await cj_comparisons(databases, batch_id, judged=False)()
    judged = await cj_comparisons(databases, batch_id, judged=True)()
    assert stored == judged == planned, (stored, judged, planned)
    sql = "SELECT {} FROM cj_assessments WHERE batch_id = :batch"
    assert await databases.integer("cj", sql.format("count(*)"), batch=batch_id) == 1
    attempts = await databases.integer("cj", sql.format("max(attempts)"), batch=batch_id)
    assert attempts >= 2, "the assessment was not resumed after the restart"
    print(
        f"checked: CJ resumed its one assessment ({attempts} attempts): "
        f"{judged}/{planned} comparisons stored, none twice"
    )
