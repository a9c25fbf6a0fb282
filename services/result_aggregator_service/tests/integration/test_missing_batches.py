"""Events for a batch RAS has not seen: the owner comes from the real BOS process; BOS down →
the event is retried without committing; BOS 404 → skipped; rejections by non-owners stay off
the batch."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.notifications import user_channel
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.kafka.testing import committed_offset
from huleedu_service_libs.redis_client import RedisClient
from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from services.result_aggregator_service.config import RASSettings
from services.result_aggregator_service.tests.ras_events import BatchStory

from .ras_testing import (
    InOrderPublisher,
    app_settings,
    get_json,
    receive,
    running_app,
    wait_for_status,
)

pytestmark = pytest.mark.integration

BOS = "batch_orchestrator_service"
E = ProcessingEvent


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bos(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    await platform.start_services([BOS])
    headers = internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])
    async with httpx.AsyncClient(
        base_url=platform.service_url(BOS), headers=headers, timeout=10
    ) as http:
        yield http


@pytest.fixture(scope="module")
def owner() -> str:
    return f"teacher-{uuid.uuid4().hex}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def unseen_batch(bos: httpx.AsyncClient, infra: InfraUrls, owner: str) -> str:
    """A batch registered at BOS before RAS starts, so RAS never sees its registration."""
    body = {
        "expected_essay_count": 2,
        "course_code": "ENG5",
        "essay_instructions": "Describe a place you love.",
        "user_id": owner,
    }
    response = await bos.post("/v1/batches/register", json=body)
    assert response.status_code == 202, response.text
    batch_id: str = response.json()["batch_id"]
    await _registration_published(infra.kafka_bootstrap, batch_id)
    return batch_id


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def settings(
    infra: InfraUrls, ras_database_url: str, platform: Platform, unseen_batch: str
) -> RASSettings:
    return app_settings(
        infra,
        ras_database_url,
        bos_url=platform.service_url(BOS),
        internal_api_key=SecretStr(platform.secrets["internal_api_key"]),
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ras(settings: RASSettings) -> AsyncIterator[QuartClient]:
    async with running_app(settings) as client:
        yield client


@pytest.fixture
def auth(platform: Platform) -> dict[str, str]:
    return internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])


async def test_bos_down_delays_the_event_until_bos_answers(
    ras: QuartClient,
    platform: Platform,
    bus: KafkaBus,
    redis: RedisClient,
    settings: RASSettings,
    unseen_batch: str,
    owner: str,
    auth: dict[str, str],
) -> None:
    story = BatchStory(batch_id=unseen_batch, user_id=owner)
    content = story.intake()[1]
    bootstrap = settings.kafka_bootstrap_servers
    await platform.stop(BOS)
    try:
        async with redis.subscribe(user_channel(owner)) as pubsub:
            sent = await bus.publish(content, key=unseen_batch)
            await asyncio.sleep(2.0)  # the consumer keeps retrying while BOS is down
            committed = await committed_offset(
                bootstrap, settings.consumer_group_id, sent.topic, sent.partition
            )
            assert committed is None or committed <= sent.offset
            code, _ = await get_json(ras, f"/internal/v1/batches/{unseen_batch}/status", auth=auth)
            assert code == 404

            await platform.start(BOS)
            (accepted,) = await receive(pubsub, 1)
    finally:
        if not platform.is_running(BOS):
            await platform.start(BOS)

    assert (accepted.event.value, accepted.data.seq) == ("file_accepted", 1)
    view = await wait_for_status(ras, unseen_batch, seq=1, auth=auth)
    assert view["user_id"] == owner
    assert view["essays"][0]["file_name"] == story.file_name("e-1")
    publisher = InOrderPublisher(bus, bootstrap, settings.consumer_group_id)
    await publisher.handled(sent.topic, sent.partition, sent.offset)


async def test_an_event_for_a_batch_bos_does_not_know_is_skipped(
    ras: QuartClient,
    bus: KafkaBus,
    settings: RASSettings,
    auth: dict[str, str],
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("ghost"), user_id="nobody")
    publisher = InOrderPublisher(bus, settings.kafka_bootstrap_servers, settings.consumer_group_id)

    await publisher.publish([story.intake()[1]])

    code, body = await get_json(ras, f"/internal/v1/batches/{story.batch_id}/status", auth=auth)
    assert (code, body["error"]["code"]) == (404, "not_found")


async def test_rejections_reach_the_requester_and_only_the_owners_are_stored(
    ras: QuartClient,
    bus: KafkaBus,
    redis: RedisClient,
    settings: RASSettings,
    auth: dict[str, str],
    bos: httpx.AsyncClient,
    id_factory: Callable[[str], str],
) -> None:
    owner, intruder = id_factory("owner"), id_factory("intruder")
    response = await bos.post(
        "/v1/batches/register",
        json={
            "expected_essay_count": 1,
            "course_code": "SV1",
            "essay_instructions": "Skriv om hösten.",
            "user_id": owner,
        },
    )
    batch_id = response.json()["batch_id"]
    story = BatchStory(batch_id=batch_id, user_id=owner)
    foreign = story.envelope(E.PIPELINE_REQUEST_REJECTED, user_id=intruder, reason_code="not_owner")
    owned = story.envelope(
        E.PIPELINE_REQUEST_REJECTED, user_id=owner, reason_code="already_running"
    )
    publisher = InOrderPublisher(bus, settings.kafka_bootstrap_servers, settings.consumer_group_id)

    async with (
        redis.subscribe(user_channel(intruder)) as intruder_channel,
        redis.subscribe(user_channel(owner)) as owner_channel,
    ):
        await publisher.publish([foreign, owned])
        (to_intruder,) = await receive(intruder_channel, 1)
        received = await receive(owner_channel, 2)

    assert (to_intruder.event.value, to_intruder.data.seq) == ("pipeline_rejected", 0)
    # BOS's registration reaches RAS too, in whichever order the two topics are read.
    assert sorted(n.event.value for n in received) == ["batch_registered", "pipeline_rejected"]
    assert sorted(n.data.seq for n in received) == [1, 2]
    view = await wait_for_status(ras, batch_id, seq=2, auth=auth)
    assert view["user_id"] == owner
    assert view["last_rejection"]["code"] == "already_running"


async def _registration_published(bootstrap: str, batch_id: str) -> None:
    topic = topic_name(E.BATCH_ESSAYS_REGISTERED)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        async with asyncio.timeout(20):
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                for records in batch.values():
                    if any(_is_registration_of(r.value, batch_id) for r in records):
                        return
    finally:
        await consumer.stop()


def _is_registration_of(value: bytes | None, batch_id: str) -> bool:
    body: dict[str, Any] = json.loads(value or b"{}")
    return bool(body.get("data", {}).get("batch_id") == batch_id)
