"""A poison message on every consumed topic: every consumer skips (BOS dead-letters) it and
keeps going, and BOS's dead-letter store holds the poison of the topics BOS consumes."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from aiokafka import TopicPartition

from common_core.event_enums import (
    ProcessingEvent,
    dlq_topic_name,
    event_for_topic,
    event_topic_names,
)
from common_core.event_registry import envelope_to_bytes
from common_core.testing import example_envelope
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import DeadLetter
from scripts.launcher.platform import Platform
from scripts.launcher.state import PROJECT_ROOT
from tests.functional.gateway_support import teacher
from tests.functional.pipeline_support import watcher
from tests.resilience.fault_bus import (
    OffsetProbe,
    ServiceConsumer,
    consumed_topics,
    publish_raw,
    records_with_key,
    service_consumers,
)
from tests.resilience.fault_support import (
    IdFactory,
    Outcomes,
    assert_every_essay_ranked,
    consumer_outcomes,
    eng5_files,
    finished_view,
    register,
    request_pipeline,
    service_pids,
    upload_and_wait_ready,
)

pytestmark = [
    pytest.mark.functional,
    pytest.mark.integration,
    pytest.mark.usefixtures("running"),
]

BOS = "batch_orchestrator_service"
POISON_BATCH = "poison-batch"  # what poison data names, so no watcher takes it for a real batch
KINDS = ("not_json", "not_an_envelope", "wrong_event_type", "invalid_data")
Where = tuple[str, int, int]  # topic, partition, offset


def poison_values(topic: str) -> list[bytes]:
    """One record of each of KINDS for `topic`."""
    event = event_for_topic(topic)
    events = list(ProcessingEvent)
    other = events[(events.index(event) + 1) % len(events)]
    own: dict[str, Any] = json.loads(envelope_to_bytes(example_envelope(event)))
    own["data"]["batch_id"] = None
    return [
        b"\x00\xffpoison: not JSON {",
        json.dumps({"poison": "JSON, but no envelope"}).encode(),
        envelope_to_bytes(example_envelope(other, batch_id=POISON_BATCH)),
        json.dumps(own).encode(),
    ]


async def publish_poison(bootstrap: str, topics: list[str], key: str) -> dict[Where, bytes]:
    """Every kind of poison on every topic, keyed `key`; the value at each place."""
    messages = [(topic, key.encode(), value) for topic in topics for value in poison_values(topic)]
    placed = await publish_raw(bootstrap, messages)
    return {
        (tp.topic, tp.partition, offset): value
        for (tp, offset), (_, _, value) in zip(placed, messages, strict=True)
    }


async def test_poison_on_every_consumed_topic_is_given_up_on_and_consumers_keep_going(
    platform: Platform, id_factory: IdFactory
) -> None:
    consumers = service_consumers(platform)
    topics = consumed_topics(consumers)
    groups = {c.group_id: len(c.topics) for c in consumers}
    print(f"\n[poison] topics per consumer group, from the services' runners: {groups}")
    assert topics == sorted(event_topic_names()), "a topic of the registry nobody consumes"
    bootstrap = platform.infra.kafka_bootstrap
    pids = service_pids(platform, list(platform.specs))
    files = eng5_files()
    async with teacher(platform, id_factory("teacher-poison")) as user, watcher(platform) as events:
        batch_id = await register(user, len(files))
        before = {c.service: await consumer_outcomes(platform, c.service) for c in consumers}
        # Keyed like the batch's events: the poison sits just before them in their partitions.
        poison = await publish_poison(bootstrap, topics, batch_id)
        print(f"[poison] {KINDS} on each of {len(topics)} topics, then batch {batch_id}")
        await upload_and_wait_ready(platform, user, events, batch_id, files)
        await request_pipeline(user, batch_id)
        _done, view = await finished_view(user, events, batch_id)
    assert_every_essay_ranked(view, len(files))
    print("[poison] checked: the batch completed after the poison, every essay ranked")

    await assert_committed_past(bootstrap, consumers, poison)
    for consumer in consumers:
        after = await consumer_outcomes(platform, consumer.service)
        assert_gave_up(consumer, after.minus(before[consumer.service]))
    print("[poison] checked: each process counted each poison record skipped (BOS: dead-lettered)")
    bos_topics = next(c.topics for c in consumers if c.service == BOS)
    bos_poison = {where: value for where, value in poison.items() if where[0] in bos_topics}
    await assert_bos_dead_letters(platform, bos_topics, bos_poison)
    await assert_dlq_topics(bootstrap, batch_id, bos_topics, bos_poison)
    await assert_dlq_command_lists(platform, batch_id, bos_poison)
    assert service_pids(platform, list(platform.specs)) == pids, "a process was restarted"
    print("[poison] checked: no process died or was restarted")


async def assert_committed_past(
    bootstrap: str, consumers: list[ServiceConsumer], poison: dict[Where, bytes]
) -> None:
    """Every group committed past the poison on each partition of a topic it consumes."""
    targets: dict[TopicPartition, int] = {}
    for topic, partition, offset in poison:
        tp = TopicPartition(topic, partition)
        targets[tp] = max(targets.get(tp, 0), offset + 1)
    async with OffsetProbe(bootstrap) as probe:
        checked = await probe.wait_consumed(consumers, targets)
    print(f"[poison] checked: every group committed past its poison (partitions: {checked})")


def assert_gave_up(consumer: ServiceConsumer, delta: Outcomes) -> None:
    given_up, never = ("dead_lettered", "skipped")
    if consumer.service != BOS:
        given_up, never = never, given_up
    for topic in consumer.topics:
        assert delta.of(topic, given_up) == len(KINDS), (consumer.service, topic, delta.counts)
        assert delta.of(topic, never) == 0, (consumer.service, topic, delta.counts)


async def assert_bos_dead_letters(
    platform: Platform, topics: Iterable[str], poison: dict[Where, bytes]
) -> None:
    """BOS's store (`GET /internal/v1/dead-letters`, what `huleedu dlq list` shows) holds each
    poison record with its raw bytes."""
    headers = internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])
    url = f"{platform.service_url(BOS)}/internal/v1/dead-letters"
    found: dict[Where, dict[str, Any]] = {}
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        for topic in topics:
            params = {"topic": topic, "include_replayed": "true", "limit": "1000"}
            response = await http.get(url, params=params)
            assert response.status_code == 200, response.text
            for letter in response.json()["dead_letters"]:
                where = (topic, letter["source_partition"], letter["source_offset"])
                if where in poison:
                    found[where] = letter
    assert set(found) == set(poison), sorted(set(poison) - set(found))
    for where, letter in found.items():
        assert base64.b64decode(letter["value_base64"]) == poison[where], letter
        assert letter["reason"] == "invalid_envelope", letter
    print(
        f"[poison] checked: BOS's dead-letter store holds all {len(found)} poison records of "
        f"its topics ({sorted(topics)}), raw bytes intact"
    )


async def assert_dlq_topics(
    bootstrap: str, batch_id: str, topics: Iterable[str], poison: dict[Where, bytes]
) -> None:
    """The `<topic>.DLQ` Kafka topics got the same letters, key kept."""
    records = await records_with_key(bootstrap, [dlq_topic_name(t) for t in topics], batch_id)
    letters = [DeadLetter.model_validate_json(record.value or b"") for record in records]
    found = {(dl.source_topic, dl.source_partition, dl.source_offset): dl for dl in letters}
    assert len(found) == len(letters) == len(poison), (len(letters), len(poison))
    assert {where: dl.value for where, dl in found.items()} == poison
    print(f"[poison] checked: the .DLQ topics hold the same {len(letters)} letters")


async def assert_dlq_command_lists(
    platform: Platform, batch_id: str, poison: dict[Where, bytes]
) -> None:
    """`huleedu dlq list` (the operator's command) shows each of them."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scripts.cli", "dlq", "list",
        "--profile", platform.profile, "--all", "--limit", "1000",
        cwd=PROJECT_ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    listing = output.decode(errors="replace")
    assert process.returncode == 0, listing[-2000:]
    missing = [
        where
        for where in poison
        if f"{where[0]}[{where[1]}]@{where[2]} key={batch_id}" not in listing
    ]
    assert not missing, (missing, listing[-2000:])
    print(f"[poison] checked: `huleedu dlq list --profile {platform.profile}` lists all of them")
