"""Every contract model survives a JSON round trip unchanged."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import (
    EVENT_MODELS,
    envelope_to_bytes,
    model_for_event,
    parse_envelope,
)
from common_core.testing.examples import example_envelope, example_event
from common_core.testing.model_examples import example_contract_models

EVENTS = list(ProcessingEvent)
NON_EVENT_MODELS = example_contract_models()


def _model_id(model: BaseModel) -> str:
    event = getattr(model, "event", None)
    return f"{type(model).__name__}:{event}" if event else type(model).__name__


def test_registry_and_examples_cover_every_event() -> None:
    assert set(EVENT_MODELS) == set(ProcessingEvent)
    assert {type(example_event(e)) for e in EVENTS} == set(EVENT_MODELS.values())


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.name)
def test_event_payload_round_trips_through_json(event: ProcessingEvent) -> None:
    original = example_event(event)
    model = model_for_event(event)
    wire = original.model_dump_json()
    restored = model.model_validate_json(wire)
    assert restored == original
    assert restored.model_dump_json() == wire


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.name)
def test_envelope_round_trips_through_parse_envelope(event: ProcessingEvent) -> None:
    envelope = example_envelope(event)
    wire = envelope_to_bytes(envelope)
    restored = parse_envelope(topic_name(event), wire)
    assert restored == envelope
    assert type(restored.data) is model_for_event(event)
    assert envelope_to_bytes(restored) == wire


@pytest.mark.parametrize("model", NON_EVENT_MODELS, ids=_model_id)
def test_non_event_model_round_trips_through_json(model: BaseModel) -> None:
    wire = model.model_dump_json()
    restored = type(model).model_validate_json(wire)
    assert restored == model
    assert restored.model_dump_json() == wire


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.name)
def test_wire_form_uses_plain_json_values(event: ProcessingEvent) -> None:
    payload = json.loads(envelope_to_bytes(example_envelope(event)))
    assert payload["event_type"] == topic_name(event)
    assert payload["event_timestamp"].endswith("Z")
    assert isinstance(payload["data"]["batch_id"], str)
