"""Concurrent processing of one fetched batch, keeping the order of records per key.

Records of one partition with the same key (HuleEdu keys by batch_id) form a lane and are
handled one after another; different lanes run concurrently, at most `max_concurrency`
handlers at a time. Offsets become committable only up to the first record of a partition that
is not done yet, so a gap left by a stop or a lost partition is never committed past.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka.structs import TopicPartition

LaneKey = tuple[TopicPartition, bytes | None]


class BatchProgress:
    """Which records of a batch are done; the highest offset per partition that is safe."""

    def __init__(self, offsets: Mapping[TopicPartition, Sequence[int]]) -> None:
        self._order = {tp: list(items) for tp, items in offsets.items()}
        self._done: dict[TopicPartition, set[int]] = {tp: set() for tp in offsets}
        self._next_index = dict.fromkeys(offsets, 0)

    def mark_done(self, tp: TopicPartition, offset: int) -> int | None:
        """Record `offset` as done; returns the last offset of the now contiguous done prefix
        of the partition when that prefix grew, else None."""
        self._done[tp].add(offset)
        order, done = self._order[tp], self._done[tp]
        index = self._next_index[tp]
        start = index
        while index < len(order) and order[index] in done:
            index += 1
        self._next_index[tp] = index
        return order[index - 1] if index > start else None


def lanes_of(batch: Mapping[TopicPartition, Sequence[Any]]) -> dict[LaneKey, list[Any]]:
    """Records grouped by (partition, key), each lane in offset order."""
    lanes: dict[LaneKey, list[Any]] = {}
    for tp, records in batch.items():
        for record in records:
            lanes.setdefault((tp, record.key), []).append(record)
    return lanes


async def run_lanes(
    lanes: Mapping[LaneKey, Sequence[Any]],
    handle: Callable[[TopicPartition, Any], Awaitable[bool]],
    *,
    max_concurrency: int,
) -> None:
    """Run every lane; a lane stops at the first record `handle` reports as not done."""
    slots = asyncio.Semaphore(max_concurrency)

    async def run_lane(tp: TopicPartition, records: Sequence[Any]) -> None:
        for record in records:
            async with slots:
                if not await handle(tp, record):
                    return

    async with asyncio.TaskGroup() as group:
        for (tp, _key), records in lanes.items():
            group.create_task(run_lane(tp, records))
