"""A fetched batch is handled in production order across partitions, offsets kept in order."""

from __future__ import annotations

from aiokafka import ConsumerRecord
from aiokafka.structs import TopicPartition

from huleedu_service_libs.kafka.consumer import in_time_order


def record(tp: TopicPartition, offset: int, timestamp: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=tp.topic,
        partition=tp.partition,
        offset=offset,
        timestamp=timestamp,
        timestamp_type=0,
        key=None,
        value=b"",
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=[],
    )


def test_records_of_several_topics_come_out_by_timestamp() -> None:
    registered, ready = TopicPartition("registered", 0), TopicPartition("ready", 2)
    batch = {
        ready: [record(ready, 7, 300), record(ready, 8, 500)],
        registered: [record(registered, 3, 100), record(registered, 4, 400)],
    }
    order = [(tp.topic, r.offset) for tp, r in in_time_order(batch)]
    assert order == [("registered", 3), ("ready", 7), ("registered", 4), ("ready", 8)]


def test_a_partitions_own_order_wins_over_a_clock_that_went_back() -> None:
    tp, other = TopicPartition("t", 0), TopicPartition("u", 0)
    batch = {tp: [record(tp, 1, 200), record(tp, 2, 100)], other: [record(other, 5, 150)]}
    offsets_of_t = [r.offset for part, r in in_time_order(batch) if part == tp]
    assert offsets_of_t == [1, 2]
