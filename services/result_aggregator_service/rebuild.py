"""Rebuild the RAS view by replaying its topics from the beginning, without notifications.

    python -m services.result_aggregator_service.rebuild --truncate

Stop the running RAS first (or point `RAS_DATABASE_URL` at a fresh, migrated database), then
start it again afterwards: it resumes from its own committed offsets and recognises what the
rebuild already applied by the `processed_events` records the rebuild wrote.

The replay uses new consumer groups reading from the earliest offset up to the end offsets
taken when it starts: first the registrations, so every view starts with its owner, then all
other RAS topics. The projection gives the same view whatever the order of the remaining
events. With `--batch-id` (repeatable) only those batches are replayed. The view must be empty
unless `--truncate` empties it (the view tables and `processed_events`).
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from huleedu_service_libs.idempotency import ProcessedEvents
from huleedu_service_libs.kafka import ConsumedRecord, ConsumerOptions
from huleedu_service_libs.logging import configure_logging
from huleedu_service_libs.redis_client import RedisClient

from .config import RASSettings
from .event_handlers import ResultEventHandler
from .implementations.bos_client import BosBatchDirectory, bos_client
from .implementations.notifier import SilentNotifier
from .implementations.response_cache import RedisResponseCache
from .implementations.view_repository import PostgresViewRepository
from .kafka_consumer import RAS_TOPICS, REGISTRATION_TOPIC, build_consumer_runner
from .models_db import BatchResultRow
from .protocols import CacheInvalidator

logger = structlog.get_logger(__name__)


class ViewNotEmptyError(RuntimeError):
    """The target database already holds a view (pass truncate=True to replace it)."""


@dataclass(frozen=True)
class RebuildReport:
    events: int
    batches: int


class _NoCache:
    async def invalidate(self, batch_id: str, user_id: str) -> None:
        return None


class _CountingFilter:
    """Passes the records of the selected batches (all without a selection) to the handler."""

    def __init__(self, handler: ResultEventHandler, batch_ids: frozenset[str] | None) -> None:
        self._handler = handler
        self._batch_ids = batch_ids
        self.events = 0

    async def handle(self, envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        if self._batch_ids is not None and str(envelope.data.batch_id) not in self._batch_ids:
            return
        await self._handler.handle(envelope, record)
        self.events += 1


async def rebuild(
    settings: RASSettings,
    *,
    truncate: bool = False,
    batch_ids: frozenset[str] | None = None,
    options: ConsumerOptions | None = None,
) -> RebuildReport:
    """Replay the RAS topics into the database of `settings`; see the module docstring."""
    engine = create_async_engine_from_settings(settings.require_database_url(), pool_size=2)
    sessions = create_sessionmaker(engine)
    repository = PostgresViewRepository()
    directory_client = bos_client(settings)
    redis = await _optional_redis(settings)
    try:
        await _prepare_database(sessions, repository, truncate=truncate)
        cache: CacheInvalidator = _NoCache()
        if redis is not None:
            cache = RedisResponseCache(
                redis, ttl_seconds=settings.cache_ttl_seconds, prefix=settings.cache_key_prefix
            )
        handler = ResultEventHandler(
            sessions=sessions,
            repository=repository,
            processed=ProcessedEvents(),
            directory=BosBatchDirectory(directory_client),
            cache=cache,
            notifier=SilentNotifier(),
            missing_batches=settings.handle_missing_batches,
        )
        selected = _CountingFilter(handler, batch_ids)
        others = [topic for topic in RAS_TOPICS if topic != REGISTRATION_TOPIC]
        for topics in ([REGISTRATION_TOPIC], others):
            await _replay(settings, selected, topics, options)
        async with sessions() as session:
            batches = await session.scalar(sa.select(sa.func.count()).select_from(BatchResultRow))
        return RebuildReport(events=selected.events, batches=int(batches or 0))
    finally:
        await directory_client.close()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


async def _prepare_database(
    sessions: async_sessionmaker[AsyncSession],
    repository: PostgresViewRepository,
    *,
    truncate: bool,
) -> None:
    async with sessions() as session, session.begin():
        if truncate:
            await repository.truncate(session)
            return
        existing = await session.scalar(sa.select(sa.func.count()).select_from(BatchResultRow))
        if existing:
            raise ViewNotEmptyError(
                f"the view already holds {existing} batches; rebuild with --truncate"
            )


async def _optional_redis(settings: RASSettings) -> RedisClient | None:
    """Redis for dropping cached responses of rebuilt batches; the rebuild works without."""
    if not settings.redis_url:
        return None
    client = RedisClient(settings.redis_url)
    try:
        await client.start()
    except (RedisError, OSError) as exc:
        logger.warning("rebuild_without_cache_invalidation", error=repr(exc))
        return None
    return client


async def _replay(
    settings: RASSettings,
    selected: _CountingFilter,
    topics: Sequence[str],
    options: ConsumerOptions | None,
) -> None:
    """Consume `topics` with a new group until it has committed the current end offsets."""
    group_id = f"{settings.consumer_group_id}-rebuild-{uuid.uuid4().hex[:12]}"
    ends = await _end_offsets(settings.kafka_bootstrap_servers, topics)
    runner = build_consumer_runner(
        settings, selected.handle, group_id=group_id, topics=topics, options=options
    )
    logger.info("rebuild_replay_started", topics=list(topics), group_id=group_id)
    async with runner:
        while not await _caught_up(settings.kafka_bootstrap_servers, group_id, ends):
            task = runner.background_task
            if task is not None and task.done():
                task.result()  # the consumer died: raise its error
                raise RuntimeError("the rebuild consumer stopped before catching up")
            await asyncio.sleep(settings.rebuild_poll_interval_seconds)


async def _end_offsets(bootstrap: str, topics: Sequence[str]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return ends
    finally:
        await consumer.stop()


async def _caught_up(bootstrap: str, group_id: str, ends: dict[TopicPartition, int]) -> bool:
    pending = [tp for tp, end in ends.items() if end > 0]
    if not pending:
        return True
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group_id, partitions=pending)
    finally:
        await admin.close()
    for tp in pending:
        meta = committed.get(tp)
        if meta is None or meta.offset < ends[tp]:
            return False
    return True


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.result_aggregator_service.rebuild",
        description="Rebuild the RAS view from the beginning of its Kafka topics.",
    )
    parser.add_argument(
        "--truncate",
        action="store_true",
        help="empty the view (and processed_events) first; stop RAS before using it",
    )
    parser.add_argument(
        "--batch-id",
        action="append",
        dest="batch_ids",
        metavar="ID",
        help="replay only this batch (repeatable)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _arguments(argv)
    settings = RASSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    batch_ids = frozenset(arguments.batch_ids) if arguments.batch_ids else None
    report = asyncio.run(rebuild(settings, truncate=arguments.truncate, batch_ids=batch_ids))
    print(f"rebuilt {report.batches} batches from {report.events} events")


if __name__ == "__main__":
    main()
