"""The record handed to consumer handlers, independent of the Kafka client library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple


class ConsumedRecord(NamedTuple):
    """One Kafka record as consumed: where it came from and its raw bytes.

    A NamedTuple rather than a dataclass: one is built per consumed message (hot path).
    """

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]] = ()
    timestamp_ms: int | None = None

    @classmethod
    def from_kafka(cls, record: Any) -> ConsumedRecord:
        """Build from an aiokafka ``ConsumerRecord[bytes, bytes]``."""
        return cls(
            record.topic,
            record.partition,
            record.offset,
            record.key,
            record.value if record.value is not None else b"",
            record.headers or (),
            record.timestamp,
        )

    @property
    def key_str(self) -> str | None:
        return self.key.decode("utf-8", errors="replace") if self.key is not None else None

    def header(self, name: str) -> str | None:
        """The first header called `name`, decoded as UTF-8, or None."""
        for header_name, value in self.headers:
            if header_name == name:
                return value.decode("utf-8", errors="replace")
        return None
