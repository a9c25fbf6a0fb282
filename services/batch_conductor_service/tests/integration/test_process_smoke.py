"""BCS as a process on the embedded platform: ready, projects a real event, resolves, refuses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from huleedu_service_libs.auth import internal_auth_headers
from scripts.launcher.platform import Platform

from .bcs_testing import DEFINE, phase_outcome, publish

pytestmark = [pytest.mark.integration, pytest.mark.functional]

SERVICE = "batch_conductor_service"


def define_body(batch_id: str, pipeline: str) -> dict[str, str]:
    return {"batch_id": batch_id, "requested_pipeline": pipeline, "correlation_id": "smoke"}


async def wait_until_pruned(http: httpx.AsyncClient, batch_id: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            response = await http.post(DEFINE, json=define_body(batch_id, "cj_assessment"))
            body: dict[str, Any] = response.json()
            if response.status_code == 200 and body["pruned_phases"]:
                return body
            await asyncio.sleep(0.1)


async def test_bcs_process_projects_events_and_resolves(
    platform: Platform, id_factory: Callable[[str], str]
) -> None:
    await platform.start_services([SERVICE])
    headers = internal_auth_headers(
        "batch_orchestrator_service", platform.secrets["internal_api_key"]
    )
    batch_id = id_factory("batch")

    async with httpx.AsyncClient(
        base_url=platform.service_url(SERVICE), headers=headers, timeout=10
    ) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text

        await publish(platform.infra.kafka_bootstrap, phase_outcome(batch_id, ["e1", "e2"]))
        body = await wait_until_pruned(http, batch_id)
        assert body["final_pipeline"] == ["cj_assessment"]
        assert body["pruned_phases"] == ["spellcheck"]

        refused = await http.post(DEFINE, json=define_body(batch_id, "ai_feedback"))
        assert refused.status_code == 400
        assert "cj_assessment, spellcheck" in refused.json()["error"]["message"]

        metrics = (await http.get("/metrics")).text
        assert 'bcs_pipeline_resolutions_total{status="unknown_pipeline"} 1.0' in metrics
