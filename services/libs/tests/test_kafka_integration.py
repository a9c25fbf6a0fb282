"""KafkaBus and ConsumerRunner against the real embedded broker: delivery and commits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events import EssayValidationFailed
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.kafka import (
    ConsumedRecord,
    ConsumerRunner,
    KafkaBus,
    MissingTopicsError,
    OutgoingMessage,
)
from huleedu_service_libs.kafka.testing import (
    committed_offset,
    create_private_topics,
    embedded_broker_options,
    topic_names,
    unique_name,
    wait_until,
)

pytestmark = pytest.mark.integration

EVENT = ProcessingEvent.ESSAY_VALIDATION_FAILED
EVENT_TOPIC = topic_name(EVENT)


def envelope(batch_id: str) -> EventEnvelope[Any]:
    data = EssayValidationFailed(
        batch_id=batch_id,
        file_upload_id=f"f-{uuid.uuid4().hex[:8]}",
        original_file_name="essay.docx",
        reason_code="empty_content",
        message="no text found",
    )
    return build_envelope(EVENT, data, source_service="file_service", correlation_id=uuid.uuid4())


async def private_topic(bootstrap: str, partitions: int = 1) -> str:
    topic = unique_name("test.kafka")
    await create_private_topics(bootstrap, [topic], partitions=partitions)
    return topic


def runner(bootstrap: str, topic: str, handler: Any, **kwargs: Any) -> ConsumerRunner:
    options = kwargs.pop("options", None) or embedded_broker_options()
    consumer = ConsumerRunner(
        bootstrap,
        group_id=kwargs.pop("group_id", f"g-{uuid.uuid4().hex[:10]}"),
        service_name="kafka_tests",
        options=options,
        **kwargs,
    )
    consumer.add_handler(topic, handler, parse_as=EVENT_TOPIC)
    return consumer


class Collector:
    """A handler that records what it saw; an optional hook runs before recording."""

    def __init__(self, hook: Callable[[ConsumedRecord], Awaitable[None]] | None = None) -> None:
        self.records: list[ConsumedRecord] = []
        self.envelopes: list[EventEnvelope[Any]] = []
        self._hook = hook

    async def __call__(self, env: EventEnvelope[Any], record: ConsumedRecord) -> None:
        if self._hook is not None:
            await self._hook(record)
        self.records.append(record)
        self.envelopes.append(env)


@pytest.fixture
async def bus(infra: Any) -> Any:
    async with KafkaBus(
        infra.kafka_bootstrap, client_id="kafka-tests", enable_idempotence=False
    ) as b:
        yield b


async def test_round_trip_with_headers_and_manual_commit(infra: Any, bus: KafkaBus) -> None:
    topic = await private_topic(infra.kafka_bootstrap)
    sent = [envelope("batch-rt") for _ in range(3)]
    for env in sent:
        await bus.publish(env, key="batch-rt", topic=topic)
    collector = Collector()
    group = f"g-{uuid.uuid4().hex[:10]}"
    async with runner(infra.kafka_bootstrap, topic, collector, group_id=group):
        await wait_until(lambda: len(collector.envelopes) == 3)
    assert [e.event_id for e in collector.envelopes] == [e.event_id for e in sent]
    assert isinstance(collector.envelopes[0].data, EssayValidationFailed)
    first = collector.records[0]
    assert first.key == b"batch-rt"
    assert first.header("event_id") == str(sent[0].event_id)
    assert first.header("event_type") == EVENT_TOPIC
    assert first.header("correlation_id") == str(sent[0].correlation_id)
    assert first.header("source_service") == "file_service"
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 3


async def test_publish_many_keeps_order_per_key(infra: Any, bus: KafkaBus) -> None:
    topic = await private_topic(infra.kafka_bootstrap, partitions=3)
    sent = [envelope(f"batch-{i % 3}") for i in range(30)]
    messages = [
        OutgoingMessage(topic, e.model_dump_json().encode(), e.data.batch_id.encode()) for e in sent
    ]
    results = await bus.publish_many(messages)
    assert len(results) == 30
    collector = Collector()
    async with runner(infra.kafka_bootstrap, topic, collector):
        await wait_until(lambda: len(collector.envelopes) == 30)
    for key in ("batch-0", "batch-1", "batch-2"):
        expected = [e.event_id for e in sent if e.data.batch_id == key]
        seen = [e.event_id for e in collector.envelopes if e.data.batch_id == key]
        assert seen == expected


async def test_redelivery_after_consumer_dies_without_commit(infra: Any, bus: KafkaBus) -> None:
    topic = await private_topic(infra.kafka_bootstrap)
    env = envelope("batch-redeliver")
    await bus.publish(env, key="batch-redeliver", topic=topic)
    group = f"g-{uuid.uuid4().hex[:10]}"
    started = asyncio.Event()

    async def hang(record: ConsumedRecord) -> None:
        started.set()
        await asyncio.Event().wait()  # the worker dies before finishing

    first = runner(infra.kafka_bootstrap, topic, Collector(hang), group_id=group)
    await first.start()
    task = asyncio.create_task(first.run())
    await asyncio.wait_for(started.wait(), 15)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await committed_offset(infra.kafka_bootstrap, group, topic) is None

    collector = Collector()
    async with runner(infra.kafka_bootstrap, topic, collector, group_id=group):
        await wait_until(lambda: len(collector.envelopes) == 1)
    assert collector.envelopes[0].event_id == env.event_id
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 1


async def test_graceful_stop_finishes_in_flight_and_commits(infra: Any, bus: KafkaBus) -> None:
    topic = await private_topic(infra.kafka_bootstrap)
    for _ in range(5):
        await bus.publish(envelope("batch-stop"), key="batch-stop", topic=topic)
    group = f"g-{uuid.uuid4().hex[:10]}"
    second_started = asyncio.Event()
    release = asyncio.Event()

    async def slow_second(record: ConsumedRecord) -> None:
        if record.offset == 1:
            second_started.set()
            await release.wait()

    collector = Collector(slow_second)
    consumer = runner(infra.kafka_bootstrap, topic, collector, group_id=group)
    async with consumer:
        await asyncio.wait_for(second_started.wait(), 15)
        stopping = asyncio.create_task(consumer.stop())
        await asyncio.sleep(0.1)
        assert not stopping.done()  # waits for the message in flight
        release.set()
        await stopping
    assert [r.offset for r in collector.records] == [0, 1]
    assert await committed_offset(infra.kafka_bootstrap, group, topic) == 2


async def test_refuses_to_start_on_missing_topic(infra: Any) -> None:
    missing = f"test.kafka.missing.{uuid.uuid4().hex[:12]}"
    consumer = runner(infra.kafka_bootstrap, missing, Collector())
    with pytest.raises(MissingTopicsError, match=missing):
        await consumer.start()
    assert missing not in await topic_names(infra.kafka_bootstrap)  # not auto-created


async def test_bus_gives_up_after_connect_timeout_without_broker() -> None:
    bus = KafkaBus(
        "127.0.0.1:1", client_id="nobody", enable_idempotence=False, connect_timeout_s=0.5
    )
    started = asyncio.get_running_loop().time()
    with pytest.raises(KafkaConnectionError):
        await bus.start()
    assert asyncio.get_running_loop().time() - started >= 0.5
    assert not bus.started
