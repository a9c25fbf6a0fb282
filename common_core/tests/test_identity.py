"""Deterministic event ids: stable across runs, distinct across essays, runs and events."""

from __future__ import annotations

from uuid import UUID, uuid5

from common_core.event_enums import ProcessingEvent
from common_core.identity import HULEEDU_EVENT_NAMESPACE, deterministic_event_id

RESULT = ProcessingEvent.SPELLCHECK_RESULT


def test_id_is_uuid5_over_the_documented_name() -> None:
    event_id = deterministic_event_id(RESULT, batch_id="b1", pipeline_run_id="r1", essay_id="e1")
    expected = uuid5(HULEEDU_EVENT_NAMESPACE, "spellcheck_result:r1:b1:e1")
    assert event_id == expected
    assert event_id.version == 5


def test_id_is_stable_across_processes() -> None:
    # Pinned value: if this changes, every re-sent event after a deploy looks new.
    event_id = deterministic_event_id(RESULT, batch_id="b1", pipeline_run_id="r1", essay_id="e1")
    assert event_id == UUID("30b78cdf-3491-5bd5-94bf-83bedfd0a648")


def test_missing_parts_are_empty() -> None:
    event_id = deterministic_event_id(ProcessingEvent.BATCH_ESSAYS_READY, batch_id="b1")
    assert event_id == uuid5(HULEEDU_EVENT_NAMESPACE, "batch_essays_ready::b1:")


def test_ids_differ_across_essays_runs_batches_and_events() -> None:
    base = {"batch_id": "b1", "pipeline_run_id": "r1", "essay_id": "e1"}
    variants = [
        deterministic_event_id(RESULT, **base),
        deterministic_event_id(RESULT, **(base | {"essay_id": "e2"})),
        deterministic_event_id(RESULT, **(base | {"pipeline_run_id": "r2"})),
        deterministic_event_id(RESULT, **(base | {"batch_id": "b2"})),
        deterministic_event_id(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED, **base),
    ]
    assert len(set(variants)) == len(variants)


def test_same_inputs_give_same_id() -> None:
    first = deterministic_event_id(RESULT, batch_id="b1", pipeline_run_id="r1", essay_id="e1")
    again = deterministic_event_id(RESULT, batch_id="b1", pipeline_run_id="r1", essay_id="e1")
    assert first == again
