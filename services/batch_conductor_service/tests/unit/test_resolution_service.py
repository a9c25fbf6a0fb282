"""The resolution service with fakes: answers, metrics and dead letters on failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from common_core.status_enums import PhaseName
from services.batch_conductor_service.api_models import DefinePipelineRequest
from services.batch_conductor_service.config import DEFAULT_PIPELINES_FILE
from services.batch_conductor_service.domain.batch_state import (
    BatchState,
    PhaseProgress,
    StateSource,
)
from services.batch_conductor_service.domain.dead_letter import ResolutionDeadLetter
from services.batch_conductor_service.domain.pipeline_catalog import (
    UnknownPipelineError,
    load_pipeline_catalog,
)
from services.batch_conductor_service.metrics import BCSMetrics
from services.batch_conductor_service.resolution_service import PipelineResolutionService

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


class FakeReader:
    def __init__(self, state: BatchState | None = None, error: Exception | None = None) -> None:
        self.state = state
        self.error = error

    async def read(self, batch_id: str) -> tuple[BatchState, StateSource]:
        if self.error is not None:
            raise self.error
        return self.state or BatchState(batch_id=batch_id), StateSource.CACHE


class RecordingDeadLetters:
    def __init__(self) -> None:
        self.letters: list[ResolutionDeadLetter] = []

    def submit(self, letter: ResolutionDeadLetter) -> None:
        self.letters.append(letter)


def make_service(
    reader: FakeReader, registry: CollectorRegistry
) -> tuple[PipelineResolutionService, RecordingDeadLetters]:
    dead_letters = RecordingDeadLetters()
    service = PipelineResolutionService(
        catalog=load_pipeline_catalog(DEFAULT_PIPELINES_FILE),
        reader=reader,
        dead_letters=dead_letters,
        metrics=BCSMetrics(registry),
        service_name="batch_conductor_service",
        clock=lambda: NOW,
    )
    return service, dead_letters


def request(pipeline: str) -> DefinePipelineRequest:
    return DefinePipelineRequest(
        batch_id="b1", requested_pipeline=pipeline, correlation_id="corr-1"
    )


def resolutions(registry: CollectorRegistry, status: str) -> float:
    value = registry.get_sample_value("bcs_pipeline_resolutions_total", {"status": status})
    return value or 0.0


async def test_prunes_a_complete_spellcheck_for_cj_assessment() -> None:
    registry = CollectorRegistry()
    done = PhaseProgress(completed_essay_ids=("e1", "e2"))
    state = BatchState(
        batch_id="b1", version=2, essay_ids=("e1", "e2"), phases={PhaseName.SPELLCHECK: done}
    )
    service, dead_letters = make_service(FakeReader(state), registry)

    response = await service.define(request("cj_assessment"))

    assert response.final_pipeline == [PhaseName.CJ_ASSESSMENT]
    assert response.pruned_phases == [PhaseName.SPELLCHECK]
    assert response.analysis_summary["state_source"] == "cache"
    assert dead_letters.letters == []
    assert resolutions(registry, "success") == 1
    count = registry.get_sample_value(
        "bcs_pipeline_resolution_duration_seconds_count", {"status": "success"}
    )
    assert count == 1


async def test_unknown_pipeline_is_dead_lettered_and_counted() -> None:
    registry = CollectorRegistry()
    service, dead_letters = make_service(FakeReader(), registry)

    with pytest.raises(UnknownPipelineError):
        await service.define(request("ai_feedback"))

    [letter] = dead_letters.letters
    assert letter.request == {
        "batch_id": "b1",
        "requested_pipeline": "ai_feedback",
        "correlation_id": "corr-1",
    }
    assert letter.failed_event_envelope is None
    assert "ai_feedback" in letter.dlq_reason
    assert (letter.schema_version, letter.timestamp, letter.service) == (
        1,
        NOW,
        "batch_conductor_service",
    )
    assert letter.batch_id == "b1"
    assert resolutions(registry, "unknown_pipeline") == 1
    assert resolutions(registry, "success") == 0


async def test_internal_error_is_dead_lettered_and_raised() -> None:
    registry = CollectorRegistry()
    service, dead_letters = make_service(FakeReader(error=RuntimeError("db gone")), registry)

    with pytest.raises(RuntimeError, match="db gone"):
        await service.define(request("spellcheck"))

    [letter] = dead_letters.letters
    assert letter.dlq_reason == "internal_error: RuntimeError: db gone"
    assert resolutions(registry, "error") == 1
