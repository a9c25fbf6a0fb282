"""Helpers for tests that run against a real broker (used by every service's tests)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from .backoff import Backoff
from .options import ConsumerOptions


def embedded_broker_options(**overrides: Any) -> ConsumerOptions:
    """Consumer options for tests on the embedded broker: fast group joins and retries.

    The broker's group join takes about a session timeout, so tests use a short one (Apache
    Kafka would refuse it).
    """
    values: dict[str, Any] = {
        "session_timeout_ms": 1000,
        "heartbeat_interval_ms": 250,
        "poll_timeout_ms": 100,
        "retry_backoff": Backoff(0.01, 0.05),
        "transient_backoff": Backoff(0.05, 0.2),
        "connect_timeout_s": 5.0,
    }
    values.update(overrides)
    return ConsumerOptions(**values)


def unique_name(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


async def create_private_topics(bootstrap: str, topics: list[str], *, partitions: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1) for topic in topics])
    finally:
        await admin.close()


async def topic_names(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def committed_offset(
    bootstrap: str, group_id: str, topic: str, partition: int = 0
) -> int | None:
    """The offset `group_id` committed for one partition, or None when it committed none."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        tp = TopicPartition(topic, partition)
        offsets = await admin.list_consumer_group_offsets(group_id, partitions=[tp])
    finally:
        await admin.close()
    meta = offsets.get(tp)
    return None if meta is None or meta.offset < 0 else int(meta.offset)


async def read_records(
    bootstrap: str, topic: str, count: int, *, timeout_s: float = 10.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The first `count` records of `topic` (all partitions), read without a consumer group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        records: list[ConsumerRecord[bytes, bytes]] = []
        async with asyncio.timeout(timeout_s):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=100)
                for items in batch.values():
                    records.extend(items)
        return records[:count]
    finally:
        await consumer.stop()


async def wait_until(check: Callable[[], bool], *, timeout_s: float = 15.0) -> None:
    """Poll `check` until it is true; AssertionError after `timeout_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.02)
