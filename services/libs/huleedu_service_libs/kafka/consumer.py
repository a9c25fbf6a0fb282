"""ConsumerRunner: the consume loop every service uses (manual commits, classified errors)."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from huleedu_service_libs.errors import is_transient

from .connect import start_with_retry
from .dead_letter import DeadLetterSink
from .handling import Handler, RecordProcessor, Route
from .lanes import BatchProgress, lanes_of, run_lanes
from .metrics import consumer_metrics
from .offsets import OffsetTracker
from .options import ConsumerOptions
from .records import ConsumedRecord

logger = structlog.get_logger(__name__)

Batch = Mapping[TopicPartition, Sequence[ConsumerRecord[bytes, bytes]]]


def in_time_order(
    batch: Batch,
) -> Iterator[tuple[TopicPartition, ConsumerRecord[bytes, bytes]]]:
    """The records of a fetched batch across partitions by timestamp, each partition's records
    still in offset order: events of different topics about one batch (a registration and the
    readiness that followed it) are handled in the order they were produced."""
    streams = [[(tp, record) for record in records] for tp, records in batch.items()]
    yield from heapq.merge(*streams, key=lambda item: item[1].timestamp)


class MissingTopicsError(RuntimeError):
    """A subscribed topic does not exist on the broker (the runner refuses to start)."""

    def __init__(self, group_id: str, topics: Sequence[str]) -> None:
        super().__init__(
            f"consumer group {group_id!r}: topic(s) {', '.join(topics)} do not exist on the "
            "broker; create them first (scripts/kafka_topic_bootstrap.py)"
        )
        self.topics = list(topics)


class _RebalanceListener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ConsumerRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._runner._on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        logger.info("kafka_partitions_assigned", partitions=sorted(map(str, assigned)))


class ConsumerRunner:
    """Consumes the topics that have handlers and commits once per fetched batch.

    A record's offset is committed only once its handler succeeded or the record was given up
    on (dead-lettered or skipped, see RecordProcessor). Use ``async with runner:`` to run the
    loop in a background task, or ``await runner.run()`` which returns after ``stop()``.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        group_id: str,
        service_name: str,
        options: ConsumerOptions | None = None,
        dead_letter_sink: DeadLetterSink | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._group_id = group_id
        self._service = service_name
        self._options = options or ConsumerOptions()
        self._routes: dict[str, Route] = {}
        self._offsets = OffsetTracker()
        self._revoked: set[TopicPartition] = set()
        self._stop = asyncio.Event()
        self._finished = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._last_poll = time.monotonic()
        self._processor = RecordProcessor(
            service=service_name,
            group_id=group_id,
            options=self._options,
            metrics=consumer_metrics(registry),
            sink=dead_letter_sink,
            wait=self._wait_before_retry,
        )

    @property
    def topics(self) -> list[str]:
        return list(self._routes)

    @property
    def background_task(self) -> asyncio.Task[None] | None:
        return self._task

    def add_handler(self, topic: str, handler: Handler, *, parse_as: str | None = None) -> None:
        """Handle `topic` with `handler`; payloads are parsed as events of `parse_as` (default:
        the topic itself, through the common_core registry)."""
        if self._consumer is not None:
            raise RuntimeError("add handlers before start()")
        self._routes[topic] = Route(topic=topic, handler=handler, parse_topic=parse_as or topic)

    async def start(self) -> None:
        """Connect (retrying until the connect timeout), check the topics exist, subscribe."""
        if self._consumer is not None:
            return
        if not self._routes:
            raise RuntimeError("no handler registered")
        consumer = await start_with_retry(
            self._new_consumer, timeout_s=self._options.connect_timeout_s, what="consumer"
        )
        try:
            await self._check_topics_exist(consumer)
            consumer.subscribe(topics=self.topics, listener=_RebalanceListener(self))
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        logger.info("kafka_consumer_started", group_id=self._group_id, topics=self.topics)

    def _new_consumer(self) -> AIOKafkaConsumer:
        options = self._options
        return AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap_servers,
            group_id=self._group_id,
            client_id=options.client_id or f"{self._service}-consumer",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=options.session_timeout_ms,
            heartbeat_interval_ms=options.heartbeat_interval_ms,
            max_poll_records=options.max_poll_records,
            max_poll_interval_ms=options.max_poll_interval_ms,
        )

    async def _check_topics_exist(self, consumer: AIOKafkaConsumer) -> None:
        # Asking for all topics' metadata does not auto-create any (asking for one by name may).
        existing: set[str] = await consumer.topics()
        missing = sorted(set(self._routes) - existing)
        if missing:
            raise MissingTopicsError(self._group_id, missing)

    async def __aenter__(self) -> ConsumerRunner:
        await self.start()
        self._task = asyncio.create_task(self.run(), name=f"consumer:{self._group_id}")
        self._task.add_done_callback(self._log_crash)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _log_crash(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "kafka_consumer_crashed", group_id=self._group_id, error=repr(task.exception())
            )

    def request_stop(self) -> None:
        self._stop.set()

    async def stop(self) -> None:
        """Stop: finish the record in flight, commit what was processed, close the consumer."""
        self.request_stop()
        if self._task is not None:
            task, self._task = self._task, None
            await task
        elif self._running:
            await self._finished.wait()
        else:
            await self._close()

    async def run(self) -> None:
        """Consume until stop() is requested; closes the consumer before returning."""
        await self.start()
        self._running = True
        stop_waiter = asyncio.ensure_future(self._stop.wait())
        try:
            while not self._stop.is_set():
                batch = await self._poll(stop_waiter)
                if batch:
                    await self._process_batch(batch)
                await self._commit(self._offsets.pending())
        finally:
            stop_waiter.cancel()
            await self._close()
            self._running = False
            self._finished.set()

    def _require_consumer(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise RuntimeError("ConsumerRunner is not started")
        return self._consumer

    async def _poll(self, stop_waiter: asyncio.Future[Any]) -> Batch:
        batch = await self._fetch(stop_waiter)
        # Revocations seen before this point concern earlier batches; records just returned
        # belong to the current assignment (aiokafka drops those of lost partitions).
        self._revoked.clear()
        self._last_poll = time.monotonic()
        return batch

    async def _fetch(self, stop_waiter: asyncio.Future[Any]) -> Batch:
        consumer = self._require_consumer()
        max_records = self._options.max_poll_records
        batch: Batch = await consumer.getmany(timeout_ms=0, max_records=max_records)
        if batch:
            return batch
        # Nothing buffered: wait for records or a stop request, whichever comes first.
        fetch = asyncio.ensure_future(
            consumer.getmany(timeout_ms=self._options.poll_timeout_ms, max_records=max_records)
        )
        await asyncio.wait({fetch, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        if fetch.done():
            batch = fetch.result()
            return batch
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fetch
        return {}

    async def _process_batch(self, batch: Batch) -> None:
        if self._options.max_concurrency > 1:
            await self._process_lanes(batch)
            return
        halted: set[TopicPartition] = set()
        for tp, record in in_time_order(batch):
            if self._stop.is_set():
                break
            if tp in halted or tp in self._revoked:
                continue
            route = self._routes[tp.topic]
            done = await self._processor.process(route, ConsumedRecord.from_kafka(record))
            if not done:
                halted.add(tp)  # abandoned: neither this record nor later ones may be committed
            elif tp not in self._revoked:
                self._offsets.mark_processed(tp, record.offset)

    async def _process_lanes(self, batch: Batch) -> None:
        progress = BatchProgress({tp: [r.offset for r in records] for tp, records in batch.items()})

        async def handle(tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> bool:
            if self._stop.is_set() or tp in self._revoked:
                return False
            route = self._routes[tp.topic]
            done = await self._processor.process(route, ConsumedRecord.from_kafka(record))
            if done:
                last_safe = progress.mark_done(tp, record.offset)
                if last_safe is not None and tp not in self._revoked:
                    self._offsets.mark_processed(tp, last_safe)
            return done

        await run_lanes(lanes_of(batch), handle, max_concurrency=self._options.max_concurrency)

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        if not offsets:
            return
        try:
            await self._require_consumer().commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group moved on: another member owns these partitions and will re-read them.
            logger.warning("kafka_commit_rejected", group_id=self._group_id, error=repr(exc))
            self._offsets.discard(offsets)
            return
        except Exception as exc:
            if not is_transient(exc):
                raise
            logger.warning("kafka_commit_retry_later", group_id=self._group_id, error=repr(exc))
            return
        self._offsets.mark_committed(offsets)

    async def _on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self._revoked.update(revoked)
        if self._consumer is not None:
            await self._commit(self._offsets.pending_for(revoked))
        self._offsets.discard(revoked)
        logger.info("kafka_partitions_revoked", partitions=sorted(map(str, revoked)))

    async def _wait_before_retry(self, delay_s: float, record: ConsumedRecord) -> bool:
        tp = TopicPartition(record.topic, record.partition)
        deadline = time.monotonic() + delay_s
        while not self._stop.is_set() and tp not in self._revoked:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            await self._keep_membership()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=min(remaining, 1.0))
        return False

    async def _keep_membership(self) -> None:
        """Poll with every partition paused, so that a long retry does not count as an idle
        consumer (past max_poll_interval_ms aiokafka leaves the group). Pausing drops only the
        prefetched records, which are fetched again from the current position after resume."""
        idle_s = time.monotonic() - self._last_poll
        if idle_s < self._options.max_poll_interval_ms / 3000:
            return
        consumer = self._require_consumer()
        assigned = tuple(consumer.assignment())
        consumer.pause(*assigned)
        try:
            await consumer.getmany(timeout_ms=0)
        finally:
            consumer.resume(*assigned)
        self._last_poll = time.monotonic()

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is None:
            return
        try:
            await self._commit_before_close(consumer)
        finally:
            await consumer.stop()
            logger.info("kafka_consumer_stopped", group_id=self._group_id)

    async def _commit_before_close(self, consumer: AIOKafkaConsumer) -> None:
        offsets = self._offsets.pending()
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
            self._offsets.mark_committed(offsets)
        except Exception as exc:
            logger.warning("kafka_final_commit_failed", group_id=self._group_id, error=repr(exc))
