"""The worker in-process against the real broker, Redis and a Content Service process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry

from common_core.status_enums import Language
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.kafka.testing import committed_offset, wait_until
from huleedu_service_libs.redis_client import RedisClient
from scripts.launcher.platform import Platform
from services.spellchecker_service.config import SpellSettings
from services.spellchecker_service.results import result_event_id

from .spell_testing import (
    REQUEST_TOPIC,
    publish,
    result_records,
    spellcheck_request,
    wait_for_commit,
)

pytestmark = pytest.mark.integration

ESSAY = "Dear Anna, I recieved your letter on 3 May. It was definately teh best one!"
CORRECTED = "Dear Anna, I received your letter on 3 May. It was definitely the best one!"


def retries(registry: CollectorRegistry) -> float:
    labels = {"service": "spellchecker_service", "topic": REQUEST_TOPIC, "outcome": "retried"}
    return registry.get_sample_value("huleedu_kafka_messages_total", labels) or 0.0


def successes(registry: CollectorRegistry) -> float:
    labels = {"language": "en", "status": "success"}
    return registry.get_sample_value("spell_results_total", labels) or 0.0


async def test_a_request_yields_a_result_with_the_corrected_text_stored(
    platform: Platform,
    content: ContentServiceClient,
    worker_metrics: CollectorRegistry,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    request = spellcheck_request(batch_id, await content.store_text(ESSAY))
    await publish(platform.infra.kafka_bootstrap, request)

    [event] = await result_records(platform.infra.kafka_bootstrap, batch_id)
    data = event["data"]
    assert event["event_id"] == str(result_event_id(request.data))
    assert event["correlation_id"] == str(request.correlation_id)
    assert (data["status"], data["essay_id"]) == ("success", f"essay-{batch_id}")
    assert [(c["original"], c["corrected"], c["offset"]) for c in data["corrections"]] == [
        ("recieved", "received", 13),
        ("definately", "definitely", 51),
        ("teh", "the", 62),
    ]
    assert data["correction_count"] == 3
    assert await content.fetch_text(data["corrected_text_storage_id"]) == CORRECTED


async def test_a_duplicate_delivery_is_handled_once(
    platform: Platform,
    content: ContentServiceClient,
    english_settings: SpellSettings,
    worker_metrics: CollectorRegistry,
    id_factory: Callable[[str], str],
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    batch_id = id_factory("batch")
    request = spellcheck_request(batch_id, await content.store_text("A shrot essay."))
    before = successes(worker_metrics)
    sent = await publish(bootstrap, request, request)
    await wait_for_commit(bootstrap, english_settings.consumer_group_id, sent[-1])

    assert successes(worker_metrics) - before == 1
    [event] = await result_records(bootstrap, batch_id)
    assert event["data"]["corrections"][0]["corrected"] == "short"
    async with RedisClient(platform.infra.redis_url) as redis:
        claims = f"{english_settings.claim_key_prefix}:spellchecker_service"
        assert await redis.get(f"{claims}:{result_event_id(request.data)}") == "done"


async def test_an_unsupported_language_yields_a_failed_result(
    platform: Platform,
    content: ContentServiceClient,
    worker_metrics: CollectorRegistry,
    id_factory: Callable[[str], str],
) -> None:
    batch_id = id_factory("batch")
    storage_id = await content.store_text("Jag tyker om skolan.")
    await publish(
        platform.infra.kafka_bootstrap, spellcheck_request(batch_id, storage_id, Language.SWEDISH)
    )
    [event] = await result_records(platform.infra.kafka_bootstrap, batch_id)
    data = event["data"]
    assert (data["status"], data["language"], data["corrected_text_storage_id"]) == (
        "failed",
        "sv",
        None,
    )
    assert "'sv' is not supported" in data["error"]


async def test_missing_content_yields_a_failed_result(
    platform: Platform, worker_metrics: CollectorRegistry, id_factory: Callable[[str], str]
) -> None:
    batch_id = id_factory("batch")
    await publish(platform.infra.kafka_bootstrap, spellcheck_request(batch_id, "no-such-text"))
    [event] = await result_records(platform.infra.kafka_bootstrap, batch_id)
    assert event["data"]["status"] == "failed"
    assert "no-such-text" in event["data"]["error"]


async def test_content_service_down_delays_the_result_without_committing(
    platform: Platform,
    content: ContentServiceClient,
    english_settings: SpellSettings,
    worker_metrics: CollectorRegistry,
    id_factory: Callable[[str], str],
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    batch_id = id_factory("batch")
    storage_id = await content.store_text("It was realy late.")
    await platform.stop("content_service")
    try:
        retries_before = retries(worker_metrics)
        [sent] = await publish(bootstrap, spellcheck_request(batch_id, storage_id))
        # Wait for the worker to have failed on this request twice: nothing may be committed.
        await wait_until(lambda: retries(worker_metrics) >= retries_before + 2, timeout_s=60)
        group = english_settings.consumer_group_id
        committed = await committed_offset(bootstrap, group, REQUEST_TOPIC, sent.partition)
        assert committed is None or committed <= sent.offset
    finally:
        await platform.start("content_service")
    [event] = await result_records(bootstrap, batch_id)
    assert event["data"]["status"] == "success"
    assert await content.fetch_text(event["data"]["corrected_text_storage_id"]) == (
        "It was really late."
    )
