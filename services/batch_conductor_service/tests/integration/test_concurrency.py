"""Seed 002's aim: 50 concurrent define requests all answered correctly, each within 2 s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from quart.typing import TestClientProtocol as QuartClient
from sqlalchemy.ext.asyncio import AsyncEngine

from scripts.launcher.infra import InfraUrls

from .bcs_testing import define, phase_outcome, publish, wait_for_version

pytestmark = pytest.mark.integration

BATCHES = 10
REQUESTS = 50
LATENCY_LIMIT_S = 2.0
REQUIRED = {"spellcheck": ["spellcheck"], "cj_assessment": ["spellcheck", "cj_assessment"]}


async def timed_define(
    client: QuartClient, batch_id: str, pipeline: str
) -> tuple[int, dict[str, Any], float]:
    started = time.perf_counter()
    status, body = await define(client, batch_id, pipeline)
    return status, body, time.perf_counter() - started


async def test_fifty_concurrent_requests_are_correct_and_fast(
    client: QuartClient,
    infra: InfraUrls,
    bcs_engine: AsyncEngine,
    id_factory: Callable[[str], str],
) -> None:
    spellchecked = [id_factory("batch") for _ in range(BATCHES // 2)]
    fresh = [id_factory("batch") for _ in range(BATCHES // 2)]
    await publish(infra.kafka_bootstrap, *(phase_outcome(b, ["e1", "e2"]) for b in spellchecked))
    for batch_id in spellchecked:
        await wait_for_version(bcs_engine, batch_id, 1)
    batches = spellchecked + fresh
    calls = [
        (batches[i % BATCHES], "cj_assessment" if i % 2 else "spellcheck") for i in range(REQUESTS)
    ]

    answers = await asyncio.gather(*(timed_define(client, b, p) for b, p in calls))

    for (batch_id, pipeline), (status, body, seconds) in zip(calls, answers, strict=True):
        assert status == 200, body
        assert seconds < LATENCY_LIMIT_S
        pruned = ["spellcheck"] if batch_id in spellchecked else []
        required = REQUIRED[pipeline]
        assert body["pruned_phases"] == pruned
        assert body["final_pipeline"] == [p for p in required if p not in pruned]
