"""The spell checker as a process on the embedded platform: health, readiness, one Swedish essay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from common_core.status_enums import Language
from huleedu_service_libs.content_client import ContentServiceClient
from scripts.launcher.platform import Platform

from .spell_testing import publish, result_records, spellcheck_request

pytestmark = [pytest.mark.integration, pytest.mark.functional]

SERVICE = "spellchecker_service"


async def wait_until_ready(http: httpx.AsyncClient) -> None:
    async with asyncio.timeout(120):  # a cold start builds the dictionaries first
        while True:
            if (await http.get("/readyz")).status_code == 200:
                return
            await asyncio.sleep(0.2)


async def test_spellchecker_process_corrects_a_swedish_essay(
    content_platform: Platform,
    content: ContentServiceClient,
    id_factory: Callable[[str], str],
) -> None:
    platform = content_platform
    await platform.start_services([SERVICE])
    try:
        async with httpx.AsyncClient(base_url=platform.service_url(SERVICE), timeout=10) as http:
            assert (await http.get("/healthz")).json()["service"] == SERVICE
            await wait_until_ready(http)
            batch_id = id_factory("batch")
            storage_id = await content.store_text("Vi tyker ocksa om Göteborg.")
            request = spellcheck_request(batch_id, storage_id, Language.SWEDISH)
            await publish(platform.infra.kafka_bootstrap, request)

            [event] = await result_records(platform.infra.kafka_bootstrap, batch_id)
            assert event["source_service"] == SERVICE
            corrected = await content.fetch_text(event["data"]["corrected_text_storage_id"])
            assert corrected == "Vi tycker också om Göteborg."
            metrics = (await http.get("/metrics")).text
            assert 'spell_results_total{language="sv",status="success"}' in metrics
    finally:
        # Stop it so that later tests' requests are handled only by the workers they start.
        await platform.stop(SERVICE)
