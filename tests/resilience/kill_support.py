"""Killing one service (SIGKILL) mid-work and checking that its batch still ends right.

A case runs a real batch through `cj_assessment` via the gateway, waits until the victim has
done some but not all of its work (counted in its own database or on the bus), kills it, counts
again to prove where the kill landed, starts it again and checks the end state everywhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.essay_text import synthetic_essay
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient, UploadFile
from tests.functional.gateway_support import FINISHED, Teacher, differences_from_bos
from tests.functional.pipeline_support import E, completed, results_by_essay

PIPELINE = "cj_assessment"
PHASES = ("spellcheck", "cj_assessment")
COURSE_CODE = "ENG5"
INSTRUCTIONS = "Should schools ban mobile phones? Argue for your view in about 250 words."
POLL_S = 0.02

Progress = Callable[[], Awaitable[int]]


def essay_files(count: int, words: int = 250) -> list[UploadFile]:
    return [(f"essay_{i:03d}.txt", synthetic_essay(i, words).encode()) for i in range(count)]


class StackDatabases:
    """Read-only queries on the services' own databases (one small engine per database)."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self._engines: dict[str, AsyncEngine] = {}

    async def integer(self, database: str, sql: str, **params: object) -> int:
        """The number a query such as `SELECT count(*) ...` returns (0 for no row or NULL)."""
        engine = self._engines.get(database)
        if engine is None:
            url = self._platform.infra.database_url(database)
            engine = self._engines[database] = create_async_engine(url, pool_size=1)
        async with engine.connect() as connection:
            return int(await connection.scalar(sa.text(sql), params) or 0)

    async def aclose(self) -> None:
        for engine in self._engines.values():
            await engine.dispose()
        self._engines.clear()


# -- what each victim has done so far --------------------------------------------------------


def els_outcomes(dbs: StackDatabases, batch_id: str, status: str) -> Progress:
    """Essays ELS has moved to `status` (its transition log: one row per real change)."""
    sql = "SELECT count(*) FROM essay_transitions WHERE batch_id = :batch AND to_status = :status"
    return lambda: dbs.integer("els", sql, batch=batch_id, status=status)


def ras_spellcheck_results(dbs: StackDatabases, batch_id: str) -> Progress:
    sql = (
        "SELECT count(*) FROM essay_results"
        " WHERE batch_id = :batch AND spellcheck_status IS NOT NULL"
    )
    return lambda: dbs.integer("ras", sql, batch=batch_id)


def cj_comparisons(dbs: StackDatabases, batch_id: str, *, judged: bool) -> Progress:
    sql = (
        "SELECT count(*) FROM cj_comparisons c JOIN cj_assessments a ON a.id = c.assessment_id"
        " WHERE a.batch_id = :batch"
    ) + (" AND c.winner_id IS NOT NULL" if judged else "")
    return lambda: dbs.integer("cj", sql, batch=batch_id)


def bos_phases_started(dbs: StackDatabases, batch_id: str) -> Progress:
    sql = (
        "SELECT count(*) FROM pipeline_runs r, jsonb_array_elements(r.phases) p"
        " WHERE r.batch_id = :batch AND p->>'started_at' IS NOT NULL"
    )
    return lambda: dbs.integer("bos", sql, batch=batch_id)


def published_spellcheck_results(events: BatchEventWatcher, batch_id: str) -> Progress:
    """Essays with a result on the bus, counting everything published up to now."""

    async def count() -> int:
        await events.caught_up()
        return len(results_by_essay(events, batch_id))

    return count


# -- the kill ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Landing:
    """Where a kill landed: the victim's progress when the kill was ordered and once it was
    dead, out of the total it had to do."""

    seen: int
    at_death: int
    total: int
    unit: str

    def __str__(self) -> str:
        return f"{self.at_death}/{self.total} {self.unit} (saw {self.seen} when ordering the kill)"


async def wait_for_progress(progress: Progress, at_least: int, *, timeout_s: float = 180) -> int:
    deadline = time.monotonic() + timeout_s
    while (done := await progress()) < at_least:
        assert time.monotonic() < deadline, f"only {done} done, waited for {at_least}"
        await asyncio.sleep(POLL_S)
    return done


async def kill_mid_work(
    platform: Platform, service: str, progress: Progress, *, at_least: int, total: int, unit: str
) -> Landing:
    """Kill `service` -9 once `progress` reaches `at_least`; assert it died mid-work."""
    seen = await wait_for_progress(progress, at_least)
    await platform.kill(service)
    assert not platform.is_running(service)
    landing = Landing(seen, await progress(), total, unit)
    assert at_least <= landing.at_death < total, f"the kill did not land mid-work: {landing}"
    return landing


async def restart(platform: Platform, service: str) -> float:
    """Start `service` again (healthy); the seconds it took."""
    started = time.monotonic()
    await platform.start(service)
    return time.monotonic() - started


# -- the batch ---------------------------------------------------------------------------------


async def start_cj_batch(user: Teacher, events: BatchEventWatcher, essay_count: int) -> str:
    """Register and upload `essay_count` essays through the gateway, wait until ELS announces
    the batch ready, and request `cj_assessment`; the batch id."""
    batch_id = await user.register_essays(essay_count, COURSE_CODE, INSTRUCTIONS)
    events.add_batch(batch_id)
    uploaded = await user.upload(batch_id, essay_files(essay_count))
    assert uploaded.status_code == 202, uploaded.text
    await events.wait_for(E.BATCH_ESSAYS_READY, batch_id=batch_id, timeout_s=120)
    requested = await user.request_pipeline(batch_id, PIPELINE)
    assert requested.status_code == 202, requested.text
    return batch_id


@dataclass(frozen=True)
class BatchEnd:
    batch_id: str
    essay_count: int
    outcome: dict[str, Any]  # BatchPipelineCompletedV1's data
    bos: dict[str, Any]  # BOS's status document
    view: dict[str, Any]  # the gateway's status document


async def finished_batch(
    platform: Platform, user: Teacher, events: BatchEventWatcher, batch_id: str, essay_count: int
) -> BatchEnd:
    """The batch once BOS completed it and the gateway's view agrees with BOS."""
    outcome = await completed(events, batch_id, timeout_s=240)
    async with StackClient(platform) as oracle:
        bos = await oracle.wait_for_bos_status(batch_id, FINISHED, timeout_s=60)
    view = await user.wait_for_status(
        batch_id, lambda v: not differences_from_bos(v, bos, outcome), timeout_s=120
    )
    return BatchEnd(batch_id, essay_count, outcome, bos, view)


def check_outcome(end: BatchEnd) -> None:
    n, outcome = end.essay_count, end.outcome
    assert outcome["final_status"] == "completed_successfully", outcome
    assert (outcome["successful_essay_count"], outcome["failed_essay_count"]) == (n, 0), outcome
    phases = [
        (p["phase"], p["status"], p["successful"], p["failed"]) for p in outcome["phase_results"]
    ]
    assert phases == [(phase, "completed_successfully", n, 0) for phase in PHASES], phases


def check_bos(end: BatchEnd) -> None:
    n, bos = end.essay_count, end.bos
    assert bos["status"] == "completed_successfully", bos["status"]
    assert len({e["essay_id"] for e in bos["essays"]}) == len(bos["essays"]) == n
    run = bos["pipeline_state"]["latest_run"]
    counts = [(p["phase"], p["status"], p["essay_counts"]) for p in run["phases"]]
    expected = {"total": n, "successful": n, "failed": 0}
    assert counts == [(p, "completed_successfully", expected) for p in PHASES], counts


def check_view(end: BatchEnd) -> None:
    """The final REST status lists every phase with its counts and each essay once."""
    n, view = end.essay_count, end.view
    assert differences_from_bos(view, end.bos, end.outcome) == []
    assert view["status"] == "completed_successfully", view["status"]
    expected = {"status": "completed_successfully", "total": n, "successful": n, "failed": 0}
    assert view["phases"] == dict.fromkeys(PHASES, expected), view["phases"]
    essays = view["essays"]
    assert len({e["essay_id"] for e in essays}) == len(essays) == n
    assert {e["spellcheck_status"] for e in essays} == {"success"}
    assert sorted(e["cj_rank"] for e in essays) == list(range(1, n + 1))


def check_bus(end: BatchEnd, events: BatchEventWatcher) -> None:
    """One result per essay (a re-sent one keeps its event id), one ranking, one completion."""
    batch_id, n = end.batch_id, end.essay_count
    results = results_by_essay(events, batch_id)
    assert len(results) == n, f"{len(results)} essays with a spellcheck result"
    resent = {essay: ids for essay, envs in results.items() if len(ids := _ids(envs)) != 1}
    assert not resent, f"essays with more than one distinct result: {resent}"
    rankings = {e["event_id"]: e["data"] for e in events.of(E.CJ_ASSESSMENT_COMPLETED, batch_id)}
    assert len(rankings) == 1, f"{len(rankings)} distinct CJ results"
    (ranking,) = rankings.values()
    assert sorted(r["rank"] for r in ranking["rankings"]) == list(range(1, n + 1))
    assert len(_ids(events.of(E.BATCH_PIPELINE_COMPLETED, batch_id))) == 1


async def check_rows(end: BatchEnd, dbs: StackDatabases) -> None:
    """Each essay counted once in ELS's transition log and in RAS's essay results."""
    batch_id, n = end.batch_id, end.essay_count
    for status in ("spellchecked_success", "cj_assessment_success"):
        assert await els_outcomes(dbs, batch_id, status)() == n, f"ELS {status} transitions"
    sql = "SELECT count({}) FROM essay_results WHERE batch_id = :batch"
    assert await dbs.integer("ras", sql.format("*"), batch=batch_id) == n
    assert await dbs.integer("ras", sql.format("DISTINCT essay_id"), batch=batch_id) == n


async def check_batch_end(
    platform: Platform,
    user: Teacher,
    events: BatchEventWatcher,
    dbs: StackDatabases,
    batch_id: str,
    essay_count: int,
) -> BatchEnd:
    """Every check of a kill case on the finished batch; prints what was checked."""
    end = await finished_batch(platform, user, events, batch_id, essay_count)
    check_outcome(end)
    check_bos(end)
    check_view(end)
    check_bus(end, events)
    await check_rows(end, dbs)
    phases = ", ".join(
        f"{name} {p['status']} {p['successful']}/{p['total']}"
        for name, p in end.view["phases"].items()
    )
    print(
        f"checked: BOS completed_successfully; a result for each of the {essay_count} essays, "
        f"counted once on the bus, in ELS and in RAS; the gateway's view equals BOS's state "
        f"and lists {phases}"
    )
    return end


def _ids(envelopes: list[dict[str, Any]]) -> set[str]:
    return {str(envelope["event_id"]) for envelope in envelopes}
