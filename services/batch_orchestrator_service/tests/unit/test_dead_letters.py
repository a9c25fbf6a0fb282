"""Dead-letter helpers: header encoding and the fan-out sink."""

from __future__ import annotations

from huleedu_service_libs.kafka import ConsumedRecord, DeadLetter, DeadLetterReason
from services.batch_orchestrator_service.implementations.dead_letters import (
    FanOutDeadLetterSink,
    decode_headers,
    encode_headers,
)


class RecordingSink:
    def __init__(self, name: str, calls: list[tuple[str, DeadLetter]]) -> None:
        self._name = name
        self._calls = calls

    async def dead_letter(self, letter: DeadLetter) -> None:
        self._calls.append((self._name, letter))


def letter() -> DeadLetter:
    record = ConsumedRecord(
        topic="huleedu.els.batch.essays.ready.v1",
        partition=1,
        offset=7,
        key=b"batch-1",
        value=b"{not json",
        headers=(("event_id", b"\xff\x00raw"),),
    )
    return DeadLetter.from_failure(
        record,
        ValueError("bad"),
        reason=DeadLetterReason.INVALID_ENVELOPE,
        attempts=1,
        service="batch_orchestrator_service",
        consumer_group="batch_orchestrator_service",
    )


def test_headers_round_trip_through_json_safe_form() -> None:
    headers = [("event_id", b"\xff\x00raw"), ("empty", b"")]

    encoded = encode_headers(headers)

    assert all(isinstance(value, str) for _, value in encoded)
    assert decode_headers(encoded) == headers


async def test_fan_out_hands_the_letter_to_every_sink_in_order() -> None:
    calls: list[tuple[str, DeadLetter]] = []
    sink = FanOutDeadLetterSink([RecordingSink("db", calls), RecordingSink("kafka", calls)])
    dead = letter()

    await sink.dead_letter(dead)

    assert calls == [("db", dead), ("kafka", dead)]
