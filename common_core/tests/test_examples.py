"""The shared examples: valid, overridable, deterministic."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from common_core.event_enums import ProcessingEvent
from common_core.events import BatchPhaseStartedV1
from common_core.identity import deterministic_event_id
from common_core.metadata_models import ContentType, StorageReferenceMetadata
from common_core.testing import example_envelope, example_event
from common_core.testing.examples import ESSAY_IDS, PIPELINE_RUN_ID


def test_overrides_are_applied_and_validated() -> None:
    event = example_event(ProcessingEvent.BATCH_PHASE_STARTED, batch_id="batch-xyz")
    assert isinstance(event, BatchPhaseStartedV1)
    assert event.batch_id == "batch-xyz"
    with pytest.raises(ValidationError):
        example_event(ProcessingEvent.BATCH_PHASE_STARTED, essay_count=-5)


def test_examples_are_fresh_instances() -> None:
    event = ProcessingEvent.BATCH_ESSAYS_READY
    assert example_event(event) == example_event(event)
    assert example_event(event) is not example_event(event)


def test_envelope_event_id_is_deterministic_per_essay() -> None:
    envelope = example_envelope(ProcessingEvent.SPELLCHECK_RESULT, batch_id="b-9")
    expected = deterministic_event_id(
        ProcessingEvent.SPELLCHECK_RESULT,
        batch_id="b-9",
        pipeline_run_id=PIPELINE_RUN_ID,
        essay_id=ESSAY_IDS[0],
    )
    assert envelope.event_id == expected
    again = example_envelope(ProcessingEvent.SPELLCHECK_RESULT, batch_id="b-9")
    assert (again.event_id, again.data) == (envelope.event_id, envelope.data)


def test_storage_reference_with_reference_returns_updated_copy() -> None:
    empty = StorageReferenceMetadata()
    stored = empty.with_reference(ContentType.CORRECTED_TEXT, "txt-1")
    assert stored.storage_id(ContentType.CORRECTED_TEXT) == "txt-1"
    assert empty.storage_id(ContentType.CORRECTED_TEXT) is None
