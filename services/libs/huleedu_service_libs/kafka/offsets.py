"""Bookkeeping of processed offsets between commits (pure; no Kafka I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiokafka.structs import TopicPartition


class OffsetTracker:
    """Remembers, per partition, the next offset to commit once processing got past a record.

    Offsets are committed as "last processed + 1" (the next record to read), the Kafka
    convention. Only offsets that moved since the last commit are reported as pending.
    """

    def __init__(self) -> None:
        self._pending: dict[TopicPartition, int] = {}

    def mark_processed(self, tp: TopicPartition, offset: int) -> None:
        next_offset = offset + 1
        if next_offset > self._pending.get(tp, -1):
            self._pending[tp] = next_offset

    def pending(self) -> dict[TopicPartition, int]:
        """Offsets to commit now (a copy)."""
        return dict(self._pending)

    def pending_for(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        wanted = set(tps)
        return {tp: offset for tp, offset in self._pending.items() if tp in wanted}

    def mark_committed(self, offsets: Mapping[TopicPartition, int]) -> None:
        """Forget pending offsets that the given commit covered."""
        for tp, committed in offsets.items():
            if self._pending.get(tp, -1) <= committed:
                self._pending.pop(tp, None)

    def discard(self, tps: Iterable[TopicPartition]) -> None:
        """Drop state of partitions this consumer no longer owns."""
        for tp in tps:
            self._pending.pop(tp, None)

    def __bool__(self) -> bool:
        return bool(self._pending)
