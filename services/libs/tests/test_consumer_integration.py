"""ConsumerRunner error handling and rebalances against the real embedded broker."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events import EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.errors import TransientError
from huleedu_service_libs.kafka import (
    ConsumedRecord,
    ConsumerRunner,
    DeadLetter,
    DeadLetterReason,
    KafkaBus,
    KafkaDeadLetterPublisher,
)
from huleedu_service_libs.kafka.testing import (
    committed_offset,
    create_private_topics,
    embedded_broker_options,
    read_records,
    unique_name,
    wait_until,
)
from scripts.launcher.processes import free_port
from scripts.launcher.servers import EmbeddedKafka

pytestmark = pytest.mark.integration

EVENT = ProcessingEvent.ESSAY_VALIDATION_FAILED
EVENT_TOPIC = topic_name(EVENT)
SERVICE = "consumer_tests"


def envelope(batch_id: str) -> EventEnvelope[Any]:
    data = EssayValidationFailed(
        batch_id=batch_id,
        file_upload_id=f"f-{uuid.uuid4().hex[:8]}",
        original_file_name="essay.pdf",
        reason_code="text_extraction_failed",
        message="unreadable",
    )
    return build_envelope(EVENT, data, source_service="file_service", correlation_id=uuid.uuid4())


def runner(bootstrap: str, topic: str, handler: Any, **kwargs: Any) -> ConsumerRunner:
    consumer = ConsumerRunner(
        bootstrap,
        group_id=kwargs.pop("group_id", unique_name("g")),
        service_name=SERVICE,
        options=kwargs.pop("options", None) or embedded_broker_options(),
        **kwargs,
    )
    consumer.add_handler(topic, handler, parse_as=EVENT_TOPIC)
    return consumer


def outcome_count(registry: CollectorRegistry, topic: str, outcome: str) -> float:
    labels = {"service": SERVICE, "topic": topic, "outcome": outcome}
    return registry.get_sample_value("huleedu_kafka_messages_total", labels) or 0.0


@pytest.fixture
async def bus(infra: Any) -> Any:
    async with KafkaBus(infra.kafka_bootstrap, client_id=SERVICE, enable_idempotence=False) as b:
        yield b


async def test_malformed_message_is_skipped_and_the_next_handled(infra: Any, bus: KafkaBus) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic])
    await bus.publish_raw(topic, b"{definitely not json", key=b"b-1", headers=[])
    good = envelope("b-1")
    await bus.publish(good, key="b-1", topic=topic)
    seen: list[EventEnvelope[Any]] = []

    async def handler(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        seen.append(env)

    registry, group = CollectorRegistry(), unique_name("g")
    async with runner(infra.kafka_bootstrap, topic, handler, group_id=group, registry=registry):
        await wait_until(lambda: len(seen) == 1)
    assert seen[0].event_id == good.event_id
    assert outcome_count(registry, topic, "skipped") == 1
    assert outcome_count(registry, topic, "handled") == 1
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 2


async def test_dead_letter_topic_gets_bad_messages_with_their_error(
    infra: Any, bus: KafkaBus
) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic, f"{topic}.DLQ"])
    await bus.publish_raw(topic, b"\x00\xffgarbage", key=b"b-9", headers=[("h", b"1")])
    poisoned = envelope("b-9")
    await bus.publish(poisoned, key="b-9", topic=topic)
    attempts: list[int] = []

    async def always_fails(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        attempts.append(record.offset)
        raise ValueError("cannot handle this batch")

    registry = CollectorRegistry()
    sink = KafkaDeadLetterPublisher(bus)
    consumer = runner(
        infra.kafka_bootstrap, topic, always_fails, dead_letter_sink=sink, registry=registry
    )
    async with consumer:
        records = await read_records(infra.kafka_bootstrap, f"{topic}.DLQ", 2)
    invalid, failed = (DeadLetter.model_validate_json(r.value) for r in records)
    assert invalid.reason is DeadLetterReason.INVALID_ENVELOPE
    assert (invalid.value, invalid.key, invalid.source_offset) == (b"\x00\xffgarbage", b"b-9", 0)
    assert (invalid.source_topic, invalid.headers) == (topic, [("h", b"1")])
    assert invalid.error_type == "EnvelopeValidationError"
    assert failed.reason is DeadLetterReason.HANDLER_FAILED
    assert (failed.source_offset, failed.attempts) == (1, 3)
    assert failed.error_message == "cannot handle this batch"
    assert failed.value == poisoned.model_dump_json().encode()
    assert records[1].key == b"b-9"
    assert attempts == [1, 1, 1]
    assert outcome_count(registry, topic, "dead_lettered") == 2


async def test_transient_error_is_retried_and_never_committed_past(
    infra: Any, bus: KafkaBus
) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic])
    for _ in range(3):
        await bus.publish(envelope("b-t"), key="b-t", topic=topic)
    group = unique_name("g")
    failures_left = 4
    handled: list[int] = []
    committed_while_failing: list[int | None] = []

    async def flaky(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        nonlocal failures_left
        if record.offset == 1 and failures_left:
            failures_left -= 1
            committed_while_failing.append(
                await committed_offset(infra.kafka_bootstrap, group, topic)
            )
            raise TransientError("database briefly unavailable")
        handled.append(record.offset)

    async with runner(infra.kafka_bootstrap, topic, flaky, group_id=group):
        await wait_until(lambda: len(handled) == 3)
    assert handled == [0, 1, 2]
    assert len(committed_while_failing) == 4
    assert all(offset is None or offset <= 1 for offset in committed_while_failing)
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 3


async def test_stop_during_transient_retries_commits_only_what_was_processed(
    infra: Any, bus: KafkaBus
) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic])
    stuck = envelope("b-s")
    await bus.publish(envelope("b-s"), key="b-s", topic=topic)
    await bus.publish(stuck, key="b-s", topic=topic)
    group = unique_name("g")
    failing = asyncio.Event()

    async def broker_down(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        if record.offset == 1:
            failing.set()
            raise ConnectionRefusedError("dependency down")

    async with runner(infra.kafka_bootstrap, topic, broker_down, group_id=group):
        await asyncio.wait_for(failing.wait(), 15)
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 1

    seen: list[EventEnvelope[Any]] = []

    async def recovered(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        seen.append(env)

    async with runner(infra.kafka_bootstrap, topic, recovered, group_id=group):
        await wait_until(lambda: len(seen) == 1)
    assert seen[0].event_id == stuck.event_id


async def test_rebalance_commits_on_revoke_and_every_message_is_handled(
    infra: Any, bus: KafkaBus
) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic], partitions=2)
    group = unique_name("g")
    keys = [f"b-{i}" for i in range(8)]
    seen_by: dict[str, list[str]] = {"first": [], "second": []}

    def handler_for(name: str) -> Any:
        async def handle(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
            seen_by[name].append(str(env.event_id))

        return handle

    first_batch = [envelope(key) for key in keys]
    for env in first_batch:
        await bus.publish(env, key=env.data.batch_id, topic=topic)
    async with runner(infra.kafka_bootstrap, topic, handler_for("first"), group_id=group):
        await wait_until(lambda: len(seen_by["first"]) == 8)
        async with runner(infra.kafka_bootstrap, topic, handler_for("second"), group_id=group):
            second_batch = [envelope(key) for key in keys]
            for env in second_batch:
                await bus.publish(env, key=env.data.batch_id, topic=topic)
            expected = {str(e.event_id) for e in first_batch + second_batch}
            await wait_until(lambda: set(seen_by["first"]) | set(seen_by["second"]) >= expected)
    # The first consumer committed its work before giving a partition away: nothing of the
    # first round was handled twice.
    assert len(seen_by["first"] + seen_by["second"]) == 16
    offsets = [await committed_offset(infra.kafka_bootstrap, group, topic, p) for p in (0, 1)]
    assert sum(o or 0 for o in offsets) == 16


async def test_bus_retries_until_the_broker_comes_up(tmp_path: Path) -> None:
    port = free_port()
    broker = EmbeddedKafka(tmp_path, port=port)
    bus = KafkaBus(
        f"127.0.0.1:{port}", client_id="late", enable_idempotence=False, connect_timeout_s=15
    )
    starting = asyncio.create_task(bus.start())
    await asyncio.sleep(0.5)
    assert not starting.done()
    await asyncio.to_thread(broker.start)
    try:
        await asyncio.wait_for(starting, 15)
        assert bus.started
        await create_private_topics(f"127.0.0.1:{port}", ["late.topic"])
        metadata = await bus.publish_raw("late.topic", b"hello", key=None, headers=[])
        assert metadata.offset == 0
    finally:
        await bus.stop()
        await asyncio.to_thread(broker.stop)


async def test_concurrent_lanes_keep_order_per_key_and_commit_everything(
    infra: Any, bus: KafkaBus
) -> None:
    topic = unique_name("test.consumer")
    await create_private_topics(infra.kafka_bootstrap, [topic])
    sent = [envelope(f"b-{i % 4}") for i in range(40)]
    for env in sent:
        await bus.publish(env, key=env.data.batch_id, topic=topic)
    group = unique_name("g")
    seen: list[EventEnvelope[Any]] = []
    running = peak = 0

    async def handler(env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1
        seen.append(env)

    options = embedded_broker_options(max_concurrency=4)
    async with runner(infra.kafka_bootstrap, topic, handler, group_id=group, options=options):
        await wait_until(lambda: len(seen) == 40)
    assert peak > 1
    for key in ("b-0", "b-1", "b-2", "b-3"):
        expected = [e.event_id for e in sent if e.data.batch_id == key]
        assert [e.event_id for e in seen if e.data.batch_id == key] == expected
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 40
