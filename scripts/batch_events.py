"""Watch real Kafka topics for one batch's events (no consumer group: nothing is committed)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from common_core.event_enums import ProcessingEvent, topic_name


class BatchEventWatcher:
    """Collects the envelopes (as JSON dicts) of the given events whose data.batch_id matches.

    Reads every partition of each topic from the beginning, so events published before the
    watcher started are seen too.
    """

    def __init__(self, bootstrap: str, batch_ids: Iterable[str], events: Iterable[ProcessingEvent]):
        self._bootstrap = bootstrap
        self._batch_ids = set(batch_ids)
        self._topics = {topic_name(event): event for event in events}
        self.seen: dict[ProcessingEvent, list[dict[str, Any]]] = defaultdict(list)
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    def add_batch(self, batch_id: str) -> None:
        self._batch_ids.add(batch_id)

    async def __aenter__(self) -> BatchEventWatcher:
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, auto_offset_reset="earliest")
        await consumer.start()
        partitions = [
            TopicPartition(topic, partition)
            for topic in self._topics
            for partition in consumer.partitions_for_topic(topic) or set()
        ]
        consumer.assign(partitions)
        self._consumer = consumer
        self._task = asyncio.create_task(self._collect(consumer))
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def _collect(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for record in records:
                    self._keep(record.topic, record.value)

    def _keep(self, topic: str, value: bytes | None) -> None:
        try:
            envelope = json.loads(value or b"")
            batch_id = envelope["data"]["batch_id"]
        except (ValueError, KeyError, TypeError):
            return  # malformed test messages on the topic are not ours to judge here
        if batch_id in self._batch_ids:
            self.seen[self._topics[topic]].append(envelope)

    def of(self, event: ProcessingEvent, batch_id: str | None = None) -> list[dict[str, Any]]:
        return [
            envelope
            for envelope in self.seen[event]
            if batch_id is None or envelope["data"]["batch_id"] == batch_id
        ]

    async def wait_for(
        self,
        event: ProcessingEvent,
        *,
        batch_id: str | None = None,
        count: int = 1,
        timeout_s: float = 60.0,
    ) -> list[dict[str, Any]]:
        """At least `count` envelopes of `event` (for `batch_id`), or AssertionError."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.of(event, batch_id)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"saw {len(self.of(event, batch_id))} of {count} {event.value} events "
            f"for {batch_id or self._batch_ids} within {timeout_s}s"
        )

    async def caught_up(self, *, timeout_s: float = 30.0) -> None:
        """Return once everything published to the watched topics so far has been collected
        (e.g. to count what a killed producer managed to publish)."""
        consumer = self._consumer
        if consumer is None:
            raise RuntimeError("the watcher has not been started")
        ends = await consumer.end_offsets(list(consumer.assignment()))
        deadline = time.monotonic() + timeout_s
        for partition, end in ends.items():
            # The collector keeps a fetched batch without awaiting, so a position past a
            # record means the record has been kept.
            while await consumer.position(partition) < end:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the watcher did not reach offset {end} of {partition}")
                await asyncio.sleep(0.02)

    async def wait_for_seconds(self, seconds: float) -> None:
        """Keep collecting for `seconds` (events keep arriving in the background)."""
        await asyncio.sleep(seconds)

    async def assert_quiet(
        self, event: ProcessingEvent, *, batch_id: str, expected: int, for_s: float = 2.0
    ) -> None:
        """No more than `expected` envelopes of `event` arrive during `for_s` seconds."""
        await asyncio.sleep(for_s)
        found = self.of(event, batch_id)
        assert len(found) == expected, f"{event.value}: {len(found)} events, expected {expected}"
