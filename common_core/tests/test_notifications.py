"""User notification contract: names, typed payloads, wire format."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from common_core.notifications import (
    NOTIFICATION_DATA_MODELS,
    BatchReadyData,
    FileAcceptedData,
    NotificationName,
    UserNotification,
    build_notification,
    parse_notification,
    user_channel,
)
from common_core.testing.model_examples import example_notification

ARCHITECTURE_NAMES = [
    "batch_registered",
    "file_accepted",
    "file_rejected",
    "batch_ready",
    "batch_readiness_timeout",
    "pipeline_started",
    "phase_started",
    "essay_processed",
    "phase_completed",
    "pipeline_completed",
    "pipeline_rejected",
]


def test_names_match_architecture_and_each_has_a_payload_model() -> None:
    assert [name.value for name in NotificationName] == ARCHITECTURE_NAMES
    assert set(NOTIFICATION_DATA_MODELS) == set(NotificationName)


@pytest.mark.parametrize("name", list(NotificationName), ids=lambda n: n.value)
def test_wire_format_is_event_and_data(name: NotificationName) -> None:
    wire = json.loads(example_notification(name, seq=7).model_dump_json())
    assert set(wire) == {"event", "data"}
    assert wire["event"] == name.value
    assert {"batch_id", "seq", "timestamp"} <= set(wire["data"])
    assert wire["data"]["seq"] == 7


@pytest.mark.parametrize("name", list(NotificationName), ids=lambda n: n.value)
def test_parse_restores_the_typed_payload(name: NotificationName) -> None:
    original = example_notification(name)
    parsed = parse_notification(original.model_dump_json().encode())
    assert parsed == original
    assert type(parsed.data) is NOTIFICATION_DATA_MODELS[name]


def test_payload_fields_of_the_named_event_are_required() -> None:
    raw = json.dumps(
        {"event": "file_accepted", "data": {"batch_id": "b1", "seq": 1, "essay_count": 3}}
    )
    with pytest.raises(ValidationError, match="file_name"):
        parse_notification(raw)


def test_payload_model_must_match_event() -> None:
    data = BatchReadyData(batch_id="b1", seq=1, essay_count=2)
    with pytest.raises(ValidationError, match="FileAcceptedData"):
        UserNotification(event=NotificationName.FILE_ACCEPTED, data=data)


def test_unknown_name_is_rejected() -> None:
    with pytest.raises(ValidationError):
        parse_notification(json.dumps({"event": "batch_exploded", "data": {}}))


def test_build_notification_validates_fields() -> None:
    note = build_notification(
        NotificationName.FILE_ACCEPTED, batch_id="b1", seq=3, file_name="a.txt"
    )
    assert isinstance(note.data, FileAcceptedData)
    assert note.data.student_name is None
    assert note.data.timestamp.utcoffset() is not None
    with pytest.raises(ValidationError):
        build_notification(NotificationName.BATCH_READY, batch_id="b1", seq=-1, essay_count=1)


def test_user_channel() -> None:
    assert user_channel("user-42") == "ws:user-42"
