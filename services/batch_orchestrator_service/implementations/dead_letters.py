"""Dead letters of BOS: kept in the `dead_letters` table and published to `<topic>.DLQ`;
read back for listing and replay."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.kafka import DeadLetter, DeadLetterSink

from ..models_db import DeadLetterRow


class PostgresDeadLetterStore:
    """Records each dead letter once (a re-delivered letter for the same record is ignored)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def dead_letter(self, letter: DeadLetter) -> None:
        statement = (
            insert(DeadLetterRow)
            .values(
                consumer_group=letter.consumer_group,
                source_topic=letter.source_topic,
                source_partition=letter.source_partition,
                source_offset=letter.source_offset,
                key=letter.key,
                value=letter.value,
                headers=encode_headers(letter.headers),
                reason=letter.reason.value,
                error_type=letter.error_type,
                error_message=letter.error_message,
                attempts=letter.attempts,
                failed_at=letter.failed_at,
            )
            .on_conflict_do_nothing(constraint="uq_dead_letters_source")
        )
        async with self._sessions() as session, session.begin():
            await session.execute(statement)


class FanOutDeadLetterSink:
    """Hands each dead letter to every sink in order (a failure stops and is retried whole,
    so every sink must tolerate seeing the same letter twice)."""

    def __init__(self, sinks: Sequence[DeadLetterSink]) -> None:
        self._sinks = tuple(sinks)

    async def dead_letter(self, letter: DeadLetter) -> None:
        for sink in self._sinks:
            await sink.dead_letter(letter)


def encode_headers(headers: Sequence[tuple[str, bytes]]) -> list[list[str]]:
    """Kafka headers as JSON: [name, base64 of the value] pairs (values may be any bytes)."""
    return [[name, base64.b64encode(value).decode("ascii")] for name, value in headers]


def decode_headers(stored: Sequence[Sequence[str]]) -> list[tuple[str, bytes]]:
    """The inverse of :func:`encode_headers`."""
    return [(name, base64.b64decode(value)) for name, value in stored]


@dataclass(frozen=True)
class StoredDeadLetter:
    """A dead letter as kept in the `dead_letters` table."""

    id: int
    consumer_group: str
    source_topic: str
    source_partition: int
    source_offset: int
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    reason: str
    error_type: str
    error_message: str
    attempts: int
    failed_at: datetime
    replayed_at: datetime | None


class PostgresDeadLetterReader:
    """Lists dead letters and marks them replayed (for `huleedu dlq list|replay`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def list_letters(
        self, *, topic: str | None, include_replayed: bool, limit: int
    ) -> list[StoredDeadLetter]:
        statement = sa.select(DeadLetterRow).order_by(DeadLetterRow.id).limit(limit)
        if topic is not None:
            statement = statement.where(DeadLetterRow.source_topic == topic)
        if not include_replayed:
            statement = statement.where(DeadLetterRow.replayed_at.is_(None))
        async with self._sessions() as session:
            rows = (await session.execute(statement)).scalars().all()
        return [_stored(row) for row in rows]

    async def get(self, letter_id: int) -> StoredDeadLetter | None:
        async with self._sessions() as session:
            row = await session.get(DeadLetterRow, letter_id)
        return _stored(row) if row is not None else None

    async def mark_replayed(self, letter_id: int, when: datetime) -> None:
        statement = (
            sa.update(DeadLetterRow).where(DeadLetterRow.id == letter_id).values(replayed_at=when)
        )
        async with self._sessions() as session, session.begin():
            await session.execute(statement)


def _stored(row: DeadLetterRow) -> StoredDeadLetter:
    return StoredDeadLetter(
        id=row.id,
        consumer_group=row.consumer_group,
        source_topic=row.source_topic,
        source_partition=row.source_partition,
        source_offset=row.source_offset,
        key=row.key,
        value=row.value,
        headers=decode_headers(row.headers),
        reason=row.reason,
        error_type=row.error_type,
        error_message=row.error_message,
        attempts=row.attempts,
        failed_at=row.failed_at,
        replayed_at=row.replayed_at,
    )
