"""Consumer throughput on the embedded broker: the floor of unavoidable work vs the runner.

    python benchmarks/bus.py [--messages 20000] [--partitions 3]

Starts its own embedded Kafka, Redis and Postgres in a temporary folder (or uses
HULEEDU_KAFKA_BOOTSTRAP_SERVERS, HULEEDU_REDIS_URL, HULEEDU_POSTGRES_URL), produces the messages
once, then consumes them with a fresh consumer group per scenario:

  (a) plain aiokafka getmany + parse each envelope + one commit per fetched batch
  (b) ConsumerRunner with a no-op handler
  (c) ConsumerRunner with the Redis event claim per message
  (d) ConsumerRunner with the Postgres processed-events record, one transaction per message

Each figure is messages/s from the first message received to the last one handled (the group
join is not counted). Aims: (b) >= 0.5 x (a); (d) >= 1000 msg/s.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from benchmarks.report import (
    BenchmarkReport,
    Figure,
    Target,
    add_json_option,
    against,
    measured,
    parameters_of,
    write_json,
)
from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import parse_envelope
from common_core.events.envelope import EventEnvelope
from common_core.testing import example_envelope
from huleedu_service_libs.db import (
    create_async_engine_from_settings,
    create_sessionmaker,
    processed_events_table,
)
from huleedu_service_libs.idempotency import ProcessedEvents, RedisEventClaim
from huleedu_service_libs.kafka import (
    ConsumedRecord,
    ConsumerRunner,
    KafkaBus,
    OutgoingMessage,
    envelope_message,
)
from huleedu_service_libs.kafka.testing import create_private_topics, embedded_broker_options
from huleedu_service_libs.redis_client import RedisClient
from scripts.launcher.infra import create_database, with_database

EVENT = ProcessingEvent.ESSAY_VALIDATION_FAILED
EVENT_TOPIC = topic_name(EVENT)
PRODUCE_CHUNK = 1000
FAST_ROUNDS = 3
AIM_RUNNER_VS_FLOOR = Target(">=", 0.5)
AIM_POSTGRES_RECORD = Target(">=", 1000, "msg/s")
Handler = Callable[[EventEnvelope[Any], ConsumedRecord], Awaitable[None]]


@dataclass(frozen=True)
class Infra:
    kafka: str
    redis: str
    postgres_admin: str


@dataclass
class Result:
    name: str
    messages: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


class Clock:
    """First-message-to-last-message timing."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.first: float | None = None
        self.last = 0.0
        self.done = asyncio.Event()

    def tick(self, n: int = 1) -> None:
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        self.count += n
        self.last = now
        if self.count >= self.expected:
            self.done.set()

    @property
    def seconds(self) -> float:
        return self.last - (self.first or self.last)


@contextmanager
def embedded_servers(folder: Path, *, durable_postgres: bool) -> Iterator[Infra]:
    from scripts.launcher.servers import (
        DEFAULT_POSTGRES_SETTINGS,
        FAST_TEST_POSTGRES_SETTINGS,
        EmbeddedKafka,
        EmbeddedPostgres,
        EmbeddedRedis,
    )

    os.environ.setdefault("XDG_RUNTIME_DIR", str(folder / "run"))
    kafka, redis = EmbeddedKafka(folder / "kafka"), EmbeddedRedis(folder / "redis")
    settings = DEFAULT_POSTGRES_SETTINGS if durable_postgres else FAST_TEST_POSTGRES_SETTINGS
    postgres = EmbeddedPostgres(folder / "pgdata", settings=settings)
    started: list[Any] = []
    try:
        for server in (kafka, redis, postgres):
            server.start()
            started.append(server)
        yield Infra(kafka.bootstrap_servers, redis.url, postgres.url)
    finally:
        for server in reversed(started):
            server.stop()


@contextmanager
def infrastructure(*, durable_postgres: bool) -> Iterator[Infra]:
    env = os.environ
    names = ("HULEEDU_KAFKA_BOOTSTRAP_SERVERS", "HULEEDU_REDIS_URL", "HULEEDU_POSTGRES_URL")
    if all(env.get(name) for name in names):
        yield Infra(*(env[name] for name in names))
        return
    with (
        tempfile.TemporaryDirectory(prefix="huleedu-bench-") as folder,
        embedded_servers(Path(folder), durable_postgres=durable_postgres) as infra,
    ):
        yield infra


async def produce(bus: KafkaBus, topic: str, count: int) -> None:
    template = example_envelope(EVENT)
    for start in range(0, count, PRODUCE_CHUNK):
        chunk: list[OutgoingMessage] = []
        for i in range(start, min(start + PRODUCE_CHUNK, count)):
            batch_id = f"bench-batch-{i % 100}"
            data = template.data.model_copy(update={"batch_id": batch_id})
            envelope = template.model_copy(update={"event_id": uuid.uuid4(), "data": data})
            chunk.append(envelope_message(envelope, key=batch_id, topic=topic))
        await bus.publish_many(chunk)


async def plain_aiokafka(infra: Infra, topic: str, count: int, max_records: int) -> Result:
    options = embedded_broker_options()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka,
        group_id=f"bench-plain-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=options.session_timeout_ms,
        heartbeat_interval_ms=options.heartbeat_interval_ms,
        max_poll_records=max_records,
    )
    clock = Clock(count)
    await consumer.start()
    try:
        while not clock.done.is_set():
            batch = await consumer.getmany(timeout_ms=1000, max_records=max_records)
            offsets: dict[TopicPartition, int] = {}
            for tp, records in batch.items():
                for record in records:
                    parse_envelope(EVENT_TOPIC, record.value or b"")
                offsets[tp] = records[-1].offset + 1
                clock.tick(len(records))
            if offsets:
                await consumer.commit(offsets)
    finally:
        await consumer.stop()
    return Result("(a) plain aiokafka + parse + commit/batch", clock.count, clock.seconds)


async def with_runner(
    name: str,
    infra: Infra,
    topic: str,
    count: int,
    handler: Handler,
    max_records: int,
    concurrency: int = 1,
) -> Result:
    clock = Clock(count)

    async def timed(envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        await handler(envelope, record)
        clock.tick()

    runner = ConsumerRunner(
        infra.kafka,
        group_id=f"bench-runner-{uuid.uuid4().hex[:8]}",
        service_name="bench",
        options=embedded_broker_options(max_poll_records=max_records, max_concurrency=concurrency),
        registry=CollectorRegistry(),
    )
    runner.add_handler(topic, timed, parse_as=EVENT_TOPIC)
    async with runner:
        await asyncio.wait_for(clock.done.wait(), timeout=600)
    return Result(name, clock.count, clock.seconds)


async def noop(envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
    return None


@asynccontextmanager
async def redis_claim_handler(infra: Infra) -> AsyncIterator[Handler]:
    client = RedisClient(infra.redis)
    await client.start()
    claims = RedisEventClaim(client, handler_timeout_s=30)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"

    async def handle(envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        await claims.run_once(claims.key_for(prefix, envelope.event_id), _nothing)

    try:
        yield handle
    finally:
        await client.aclose()


async def _nothing() -> None:
    return None


@asynccontextmanager
async def postgres_record_handler(infra: Infra, pool_size: int) -> AsyncIterator[Handler]:
    db_name = f"bench_{uuid.uuid4().hex[:8]}"
    await create_database(infra.postgres_admin, db_name)
    url = with_database(infra.postgres_admin, db_name)
    engine = create_async_engine_from_settings(url, pool_size)
    metadata = sa.MetaData()
    processed_events_table(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    processed = ProcessedEvents()
    sessions = create_sessionmaker(engine)

    async def handle(envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        async with sessions() as session, session.begin():
            await processed.record_once(session, "bench", envelope.event_id)

    try:
        yield handle
    finally:
        await engine.dispose()


def figures(results: list[Result]) -> list[Figure]:
    plain, no_op, claim, claim_lanes, record, record_lanes = results
    return [
        measured(plain.name, plain.rate, "msg/s"),
        measured(no_op.name, no_op.rate, "msg/s"),
        against("(b) / (a)", no_op.rate / plain.rate, AIM_RUNNER_VS_FLOOR),
        measured(claim.name, claim.rate, "msg/s"),
        measured(claim_lanes.name, claim_lanes.rate, "msg/s"),
        against(record.name, record.rate, AIM_POSTGRES_RECORD),
        against(record_lanes.name, record_lanes.rate, AIM_POSTGRES_RECORD),
    ]


def report(results: list[Result], count: int) -> None:
    floor = results[0].rate
    print(f"\nConsumer throughput, {count} messages, embedded broker (tansu)\n")
    print("(a) and (b): best of", FAST_ROUNDS, "rounds\n")
    print(f"{'scenario':<52}{'msg/s':>10}{'x (a)':>9}")
    for result in results:
        print(f"{result.name:<52}{result.rate:>10.0f}{result.rate / floor:>9.2f}")
    print()
    for figure in figures(results):
        if figure.target:
            print(f"aim {figure.name} {figure.target}: {figure.verdict()} ({figure.value_text()})")


async def run(args: argparse.Namespace) -> list[Result]:
    count, max_records, concurrency = args.messages, args.max_records, args.concurrency
    with infrastructure(durable_postgres=not args.fast_postgres) as infra:
        topic = f"bench.bus.{uuid.uuid4().hex[:8]}"
        await create_private_topics(infra.kafka, [topic], partitions=args.partitions)
        async with KafkaBus(infra.kafka, client_id="bench", enable_idempotence=False) as bus:
            await produce(bus, topic, count)

        async def runner(name: str, handler: Handler, lanes: int = 1) -> Result:
            return await with_runner(name, infra, topic, count, handler, max_records, lanes)

        # (a) and (b) take about a second each: the best of a few rounds evens out noise.
        plain: list[Result] = []
        no_op: list[Result] = []
        for _ in range(FAST_ROUNDS):  # interleaved, so that load drift hits both alike
            plain.append(await plain_aiokafka(infra, topic, count, max_records))
            no_op.append(await runner("(b) runner, no-op handler", noop))
        results = [max(plain, key=lambda r: r.rate), max(no_op, key=lambda r: r.rate)]
        async with redis_claim_handler(infra) as handler:
            results.append(await runner("(c) runner + Redis claim", handler))
            results.append(
                await runner(f"(c') as (c), max_concurrency={concurrency}", handler, concurrency)
            )
        async with postgres_record_handler(infra, concurrency) as handler:
            results.append(await runner("(d) runner + Postgres record, 1 txn/msg", handler))
            results.append(
                await runner(f"(d') as (d), max_concurrency={concurrency}", handler, concurrency)
            )
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--max-records", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8, help="for (c') and (d')")
    parser.add_argument(
        "--fast-postgres",
        action="store_true",
        help="start Postgres without fsync/synchronous_commit (as the test stack does)",
    )
    add_json_option(parser)
    args = parser.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    results = asyncio.run(run(args))
    report(results, args.messages)
    durability = "without fsync" if args.fast_postgres else "durable (fsync on every commit)"
    notes = [
        f"(a) and (b): best of {FAST_ROUNDS} rounds; each figure from first to last message",
        f"(d) and (d'): Postgres {durability}",
    ]
    title = f"Consumer throughput, {args.messages} messages, embedded broker (tansu)"
    results_report = BenchmarkReport("bus", title, figures(results), parameters_of(args), notes)
    write_json(args.json, results_report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
