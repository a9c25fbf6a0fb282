"""Key-ordered concurrent processing of a batch (pure asyncio, no broker)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka.structs import TopicPartition

from huleedu_service_libs.kafka.lanes import BatchProgress, lanes_of, run_lanes

TP0 = TopicPartition("t", 0)
TP1 = TopicPartition("t", 1)


@dataclass(frozen=True)
class _Rec:
    offset: int
    key: bytes | None


def test_progress_moves_only_over_a_contiguous_done_prefix() -> None:
    progress = BatchProgress({TP0: [10, 11, 12, 13]})
    assert progress.mark_done(TP0, 11) is None  # 10 still open
    assert progress.mark_done(TP0, 13) is None
    assert progress.mark_done(TP0, 10) == 11
    assert progress.mark_done(TP0, 12) == 13


def test_progress_is_per_partition() -> None:
    progress = BatchProgress({TP0: [0, 1], TP1: [5]})
    assert progress.mark_done(TP1, 5) == 5
    assert progress.mark_done(TP0, 0) == 0


def test_lanes_group_by_partition_and_key_in_offset_order() -> None:
    batch = {
        TP0: [_Rec(0, b"a"), _Rec(1, b"b"), _Rec(2, b"a"), _Rec(3, None)],
        TP1: [_Rec(0, b"a")],
    }
    lanes = lanes_of(batch)
    assert [r.offset for r in lanes[(TP0, b"a")]] == [0, 2]
    assert [r.offset for r in lanes[(TP0, b"b")]] == [1]
    assert [r.offset for r in lanes[(TP0, None)]] == [3]
    assert [r.offset for r in lanes[(TP1, b"a")]] == [0]


async def test_run_lanes_keeps_key_order_and_bounds_concurrency() -> None:
    batch = {TP0: [_Rec(i, f"k{i % 4}".encode()) for i in range(40)]}
    order: dict[bytes | None, list[int]] = {}
    running = 0
    peak = 0

    async def handle(tp: TopicPartition, record: _Rec) -> bool:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (record.offset % 3))
        order.setdefault(record.key, []).append(record.offset)
        running -= 1
        return True

    await run_lanes(lanes_of(batch), handle, max_concurrency=3)
    assert peak == 3
    for key, offsets in order.items():
        assert offsets == sorted(offsets), key
    assert sum(len(v) for v in order.values()) == 40


async def test_a_lane_stops_at_its_first_abandoned_record() -> None:
    batch = {TP0: [_Rec(0, b"a"), _Rec(1, b"b"), _Rec(2, b"a"), _Rec(3, b"b")]}
    seen: list[int] = []

    async def handle(tp: TopicPartition, record: _Rec) -> bool:
        seen.append(record.offset)
        return record.offset != 0  # lane "a" abandons its first record

    await run_lanes(lanes_of(batch), handle, max_concurrency=4)
    assert sorted(seen) == [0, 1, 3]
