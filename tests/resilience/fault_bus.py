"""What the bus says during the fault cases: who consumes what, offsets, raw records.

Which process consumes which topics is taken from each service's own `build_consumer_runner`
(the runner's subscription, built with stub handlers that never run and never connect), so
the cases follow the code instead of a hand-written list that could drift.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.kafka import ConsumerRunner
from scripts.launcher.platform import Platform
from services.batch_conductor_service import kafka_consumer as bcs
from services.batch_conductor_service.config import BCSSettings
from services.batch_conductor_service.projection_handlers import ProjectionHandlers
from services.batch_orchestrator_service import kafka_consumer as bos
from services.batch_orchestrator_service.config import BOSSettings
from services.cj_assessment_service import kafka_consumer as cj
from services.cj_assessment_service.config import CJSettings
from services.essay_lifecycle_service import kafka_consumer as els
from services.essay_lifecycle_service.config import ElsWorkerSettings
from services.essay_lifecycle_service.phase_consumer import PhaseEventHandlers
from services.essay_lifecycle_service.phases.registry import default_phase_registry
from services.result_aggregator_service import kafka_consumer as ras
from services.result_aggregator_service.config import RASSettings
from services.spellchecker_service import kafka_consumer as spell
from services.spellchecker_service.config import SpellSettings

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Offsets = dict[TopicPartition, int]
S = TypeVar("S", bound=ServiceSettingsBase)
RunnerFactory = Callable[[Any, CollectorRegistry], ConsumerRunner]
POLL_S = 0.2


@dataclass(frozen=True)
class ServiceConsumer:
    """One consuming process of the stack: its launcher name, consumer group and topics."""

    service: str
    group_id: str
    topics: tuple[str, ...]


async def _never_called(*_args: object) -> None:
    raise AssertionError("a stub handler of the subscription probe ran")


class _StubHandlers:
    """Stands in for a service's handler objects and their collaborators."""

    def __getattr__(self, _name: str) -> Any:
        return _never_called


def _settings(platform: Platform, service: str, cls: type[S]) -> S:
    """The service's settings as the launcher configures its process."""
    prefix = platform.specs[service].env_prefix
    env = platform.service_env(service)
    values: dict[str, Any] = {
        key[len(prefix) :].lower(): value for key, value in env.items() if key.startswith(prefix)
    }
    return cls(**values)


def _runner_factories() -> dict[str, tuple[type[Any], RunnerFactory]]:
    """Per consuming process: its settings class and its own runner factory, fed stubs."""
    stub: Any = _StubHandlers()
    els_routes = PhaseEventHandlers(stub, default_phase_registry()).routes()
    return {
        "batch_orchestrator_service": (
            BOSSettings,
            lambda s, m: bos.build_consumer_runner(s, stub, stub, stub, registry=m),
        ),
        "batch_conductor_service": (
            BCSSettings,
            lambda s, m: bcs.build_consumer_runner(s, ProjectionHandlers(stub), registry=m),
        ),
        "result_aggregator_service": (
            RASSettings,
            lambda s, m: ras.build_consumer_runner(s, _never_called, registry=m),
        ),
        "essay_lifecycle_worker": (
            ElsWorkerSettings,
            lambda s, m: els.build_consumer_runner(
                s, els.IntakeHandlers(stub), els_routes, registry=m
            ),
        ),
        "cj_assessment_service": (
            CJSettings,
            lambda s, m: cj.build_consumer_runner(s, cj.RequestHandler(stub), registry=m),
        ),
        "spellchecker_service": (
            SpellSettings,
            lambda s, m: spell.build_consumer_runner(s, stub, registry=m),
        ),
    }


def service_consumers(platform: Platform) -> list[ServiceConsumer]:
    """Every consuming process of the stack with the group and topics its runner subscribes."""
    metrics = CollectorRegistry()  # the probe's runners count nothing into the real registry
    found = []
    for service, (settings_class, factory) in _runner_factories().items():
        settings = _settings(platform, service, settings_class)
        runner = factory(settings, metrics)
        found.append(ServiceConsumer(service, settings.consumer_group_id, tuple(runner.topics)))
    return found


def consumed_topics(consumers: Iterable[ServiceConsumer]) -> list[str]:
    return sorted({topic for consumer in consumers for topic in consumer.topics})


class OffsetProbe:
    """Reads topics' partitions and consumer groups' committed offsets (commits nothing)."""

    def __init__(self, bootstrap: str) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)

    async def __aenter__(self) -> OffsetProbe:
        await self._consumer.start()
        await self._admin.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._admin.close()
        await self._consumer.stop()

    def partitions(self, topics: Iterable[str]) -> list[TopicPartition]:
        return [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]

    async def committed(self, group_id: str, partitions: Iterable[TopicPartition]) -> Offsets:
        found = await self._admin.list_consumer_group_offsets(group_id, partitions=list(partitions))
        return {tp: meta.offset for tp, meta in found.items()}

    async def wait_consumed(
        self, consumers: Iterable[ServiceConsumer], targets: Offsets, *, timeout_s: float = 120
    ) -> dict[str, int]:
        """Wait until every consumer group has committed, on each target partition of a topic it
        consumes, at least the target offset (lag 0 up to it); partitions checked by group."""
        checked: dict[str, int] = {}
        for consumer in consumers:
            mine = {tp: end for tp, end in targets.items() if tp.topic in consumer.topics}
            await self._wait_group(consumer.group_id, mine, timeout_s)
            checked[consumer.group_id] = len(mine)
        return checked

    async def _wait_group(self, group_id: str, targets: Offsets, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            committed = await self.committed(group_id, targets)
            behind = {tp: (committed.get(tp), end) for tp, end in targets.items()}
            behind = {tp: pair for tp, pair in behind.items() if (pair[0] or 0) < pair[1]}
            if not behind:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"group {group_id} still behind (committed, end): {behind}")
            await asyncio.sleep(POLL_S)


async def records_with_key(bootstrap: str, topics: Iterable[str], key: str) -> list[Record]:
    """Every record with Kafka key `key` on `topics`, read from the beginning to the current end
    of each partition, in partition order.

    The embedded broker reports a partition's end as the last record batch's base offset + 1
    (not its last offset + 1), so the end only says which batch to read up to: every record
    of a fetched batch is kept, none is filtered out by offset."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends = await consumer.end_offsets(partitions)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        wanted = key.encode()
        found: list[Record] = []
        while pending := [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            fetched = await consumer.getmany(*pending, timeout_ms=1000)
            for records in fetched.values():
                found.extend(record for record in records if record.key == wanted)
        return found
    finally:
        await consumer.stop()


async def publish_raw(
    bootstrap: str, messages: Iterable[tuple[str, bytes, bytes]]
) -> list[tuple[TopicPartition, int]]:
    """Produce (topic, key, value) messages in order; where each one landed."""
    placed: list[tuple[TopicPartition, int]] = []
    async with AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all") as producer:
        for topic, key, value in messages:
            meta = await producer.send_and_wait(topic, value, key=key)
            placed.append((TopicPartition(topic, meta.partition), meta.offset))
    return placed


async def republish(bootstrap: str, records: Iterable[Record]) -> Offsets:
    """Produce each record again unchanged (topic, partition, key, value, headers, timestamp);
    the end offset each touched partition had after the last one."""
    ends: Offsets = {}
    async with AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all") as producer:
        for record in records:
            meta = await producer.send_and_wait(
                record.topic,
                record.value,
                key=record.key,
                partition=record.partition,
                headers=list(record.headers),
                timestamp_ms=record.timestamp,
            )
            ends[TopicPartition(record.topic, meta.partition)] = meta.offset + 1
    return ends
