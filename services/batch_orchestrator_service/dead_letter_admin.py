"""Listing and replaying dead letters: a replay republishes the record's raw bytes, key and
headers to its source topic, where BOS consumes it again like any other message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from common_core.event_enums import BOS_DEAD_LETTERED_EVENTS, topic_name
from common_core.field_types import utc_now
from huleedu_service_libs.kafka import KafkaBus

from .implementations.dead_letters import PostgresDeadLetterReader, StoredDeadLetter

logger = structlog.get_logger(__name__)

REPLAY_HEADER = "dead_letter_replay_of"
REPLAYABLE_TOPICS = frozenset(topic_name(event) for event in BOS_DEAD_LETTERED_EVENTS)


class DeadLetterNotFoundError(LookupError):
    pass


class AlreadyReplayedError(RuntimeError):
    pass


class NotReplayableError(RuntimeError):
    pass


@dataclass(frozen=True)
class Replayed:
    letter: StoredDeadLetter
    topic: str
    partition: int
    offset: int


class DeadLetterAdmin:
    def __init__(
        self,
        reader: PostgresDeadLetterReader,
        bus: KafkaBus,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._reader = reader
        self._bus = bus
        self._clock = clock

    async def list_letters(
        self, *, topic: str | None = None, include_replayed: bool = False, limit: int = 100
    ) -> list[StoredDeadLetter]:
        return await self._reader.list_letters(
            topic=topic, include_replayed=include_replayed, limit=limit
        )

    async def replay(self, letter_id: int, *, force: bool = False) -> Replayed:
        """Republish the letter to its source topic; refuses a replayed one unless `force`."""
        letter = await self._reader.get(letter_id)
        if letter is None:
            raise DeadLetterNotFoundError(f"no dead letter {letter_id}")
        if letter.replayed_at is not None and not force:
            raise AlreadyReplayedError(
                f"dead letter {letter_id} was replayed at {letter.replayed_at.isoformat()}"
            )
        if letter.source_topic not in REPLAYABLE_TOPICS:
            raise NotReplayableError(f"BOS does not consume {letter.source_topic}")
        headers = [
            *((name, value) for name, value in letter.headers if name != REPLAY_HEADER),
            (REPLAY_HEADER, str(letter_id).encode()),
        ]
        metadata = await self._bus.publish_raw(
            letter.source_topic, letter.value, key=letter.key, headers=headers
        )
        await self._reader.mark_replayed(letter_id, self._clock())
        logger.info(
            "dead_letter_replayed",
            dead_letter_id=letter_id,
            topic=letter.source_topic,
            offset=metadata.offset,
        )
        return Replayed(letter, letter.source_topic, metadata.partition, metadata.offset)
