"""Dead letters: what a consumer could not process, kept with everything needed to replay it."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from common_core.event_enums import dlq_topic_name

from .records import ConsumedRecord

if TYPE_CHECKING:
    from .bus import KafkaBus


class DeadLetterReason(StrEnum):
    INVALID_ENVELOPE = "invalid_envelope"
    HANDLER_FAILED = "handler_failed"


class DeadLetter(BaseModel):
    """A record that was given up on. Bytes are base64 in JSON."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    source_topic: str
    source_partition: int = Field(ge=0)
    source_offset: int = Field(ge=0)
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]] = Field(default_factory=list)
    reason: DeadLetterReason
    error_type: str
    error_message: str
    attempts: int = Field(ge=1)
    failed_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    service: str
    consumer_group: str

    @classmethod
    def from_failure(
        cls,
        record: ConsumedRecord,
        error: BaseException,
        *,
        reason: DeadLetterReason,
        attempts: int,
        service: str,
        consumer_group: str,
    ) -> DeadLetter:
        return cls(
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
            key=record.key,
            value=record.value,
            headers=list(record.headers),
            reason=reason,
            error_type=type(error).__name__,
            error_message=str(error)[:2000],
            attempts=attempts,
            service=service,
            consumer_group=consumer_group,
        )


class DeadLetterSink(Protocol):
    """Where a consumer hands the records it gives up on."""

    async def dead_letter(self, letter: DeadLetter) -> None: ...


class KafkaDeadLetterPublisher:
    """Publishes dead letters as JSON to `<source topic>.DLQ` (or one fixed topic), key kept."""

    def __init__(self, bus: KafkaBus, *, topic: str | None = None) -> None:
        self._bus = bus
        self._topic = topic

    def topic_for(self, letter: DeadLetter) -> str:
        return self._topic or dlq_topic_name(letter.source_topic)

    async def dead_letter(self, letter: DeadLetter) -> None:
        headers = [
            ("dead_letter_source_topic", letter.source_topic.encode()),
            ("dead_letter_reason", letter.reason.value.encode()),
            ("dead_letter_error_type", letter.error_type.encode()),
        ]
        await self._bus.publish_raw(
            self.topic_for(letter),
            letter.model_dump_json().encode(),
            key=letter.key,
            headers=headers,
        )
