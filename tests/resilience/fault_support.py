"""Shared pieces of the non-kill fault cases (replay, Redis restart, BCS down, poison messages).

Test modules import what they use from here; the fixtures (`running`, `user`, `events`) come
from `tests/resilience/conftest.py`, the batch constants and essay files from `kill_support`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from huleedu_service_libs.kafka.metrics import MESSAGES_TOTAL
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient, UploadFile
from tests.functional.gateway_support import FINISHED, Teacher, eng5
from tests.functional.pipeline_support import E, completed
from tests.resilience.kill_support import COURSE_CODE, INSTRUCTIONS, PIPELINE

IdFactory = Callable[[str], str]


def eng5_files() -> list[UploadFile]:
    return [(essay.file_name, essay.read_bytes()) for essay in eng5().essays]


async def register(user: Teacher, essay_count: int) -> str:
    """Register an ENG5 batch through the gateway; its batch_id."""
    return await user.register_essays(essay_count, COURSE_CODE, INSTRUCTIONS)


async def upload_and_wait_ready(
    platform: Platform,
    user: Teacher,
    events: BatchEventWatcher,
    batch_id: str,
    files: list[UploadFile],
) -> None:
    """Upload through the gateway and wait until ELS announced the batch ready and BOS took it."""
    events.add_batch(batch_id)
    response = await user.upload(batch_id, files)
    assert response.status_code == 202, response.text
    await events.wait_for(E.BATCH_ESSAYS_READY, batch_id=batch_id, timeout_s=120)
    async with StackClient(platform) as client:
        await client.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])


async def request_pipeline(user: Teacher, batch_id: str) -> None:
    response = await user.request_pipeline(batch_id, PIPELINE)
    assert response.status_code == 202, response.text


async def finished_view(
    user: Teacher,
    events: BatchEventWatcher,
    batch_id: str,
    *,
    count: int = 1,
    timeout_s: float = 180.0,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `count`-th BatchPipelineCompletedV1 of the batch and the gateway's view once it
    shows that run finished."""
    done = await completed(events, batch_id, count=count, timeout_s=timeout_s)

    def shows_run(view: dict[str, Any]) -> bool:
        result = view.get("pipeline_result") or {}
        return (
            view.get("pipeline_run_id") == done["pipeline_run_id"]
            and view.get("status") in FINISHED
            and result.get("final_status") == done["final_status"]
        )

    view = await user.wait_for_status(batch_id, shows_run, timeout_s=60)
    return done, view


def assert_every_essay_ranked(view: dict[str, Any], essay_count: int) -> None:
    """completed_successfully, each essay spellchecked and ranked, ranks 1..n."""
    assert view["status"] == "completed_successfully", view
    essays = view["essays"]
    assert len(essays) == essay_count, essays
    assert all(e["spellcheck_status"] == "success" for e in essays), essays
    assert sorted(e["cj_rank"] for e in essays) == list(range(1, essay_count + 1)), essays
    phases = view["phases"]
    for phase in ("spellcheck", "cj_assessment"):
        assert phases[phase]["successful"] == essay_count, phases


async def bos_status(platform: Platform, batch_id: str) -> dict[str, Any]:
    async with StackClient(platform) as client:
        return await client.bos_status(batch_id)


def service_pids(platform: Platform, names: list[str]) -> dict[str, int | None]:
    return {name: platform.pid(name) for name in names}


@dataclass(frozen=True)
class Outcomes:
    """`huleedu_kafka_messages_total` of one process: count by (topic, outcome)."""

    counts: Mapping[tuple[str, str], float]

    def of(self, topic: str, outcome: str) -> float:
        return self.counts.get((topic, outcome), 0.0)

    def minus(self, before: Outcomes) -> Outcomes:
        keys = set(self.counts) | set(before.counts)
        return Outcomes(
            {key: self.counts.get(key, 0.0) - before.counts.get(key, 0.0) for key in keys}
        )


async def consumer_outcomes(platform: Platform, service: str) -> Outcomes:
    """The consumer-runner counters the process exposes on `/metrics`."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{platform.service_url(service)}/metrics")
    assert response.status_code == 200, response.text
    counts: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == MESSAGES_TOTAL:
                key = (sample.labels["topic"], sample.labels["outcome"])
                counts[key] = counts.get(key, 0.0) + sample.value
    return Outcomes(counts)


async def wait_for_outcomes(
    platform: Platform,
    service: str,
    topic: str,
    outcome: str,
    *,
    since: Outcomes,
    at_least: int,
    timeout_s: float = 60.0,
) -> Outcomes:
    """Poll the process's counters until `outcome` on `topic` rose by `at_least` since `since`;
    the counters' increase by then."""
    deadline = time.monotonic() + timeout_s
    while True:
        delta = (await consumer_outcomes(platform, service)).minus(since)
        if delta.of(topic, outcome) >= at_least:
            return delta
        if time.monotonic() > deadline:
            raise AssertionError(f"{service}: {outcome} on {topic} rose only by {delta.counts}")
        await asyncio.sleep(0.2)
