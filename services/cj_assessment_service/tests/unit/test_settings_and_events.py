"""Settings validation and the events the service emits."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from common_core.event_enums import ProcessingEvent
from common_core.identity import deterministic_event_id
from services.cj_assessment_service.config import CJSettings
from services.cj_assessment_service.domain.bradley_terry import RankedEssay
from services.cj_assessment_service.event_factory import CJEventFactory


def test_defaults_and_the_environment_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJ_COMPARISONS_PER_ESSAY", "12")
    monkeypatch.setenv("CJ_CONTENT_URL", "http://127.0.0.1:18001")

    settings = CJSettings()

    assert settings.service_name == "cj_assessment_service" and settings.http_port == 9095
    assert settings.comparisons_per_essay == 12
    assert settings.content_url == "http://127.0.0.1:18001"
    assert settings.judge == "heuristic"
    assert settings.handler_timeout_seconds > settings.assessment_timeout_seconds


def test_the_llm_judge_needs_a_url_and_a_model() -> None:
    with pytest.raises(ValidationError, match="CJ_LLM_BASE_URL"):
        CJSettings(judge="llm", llm_model="m")
    settings = CJSettings(judge="llm", llm_base_url="http://llm/v1", llm_model="m")
    assert settings.judge == "llm"


def test_result_events_have_ids_deterministic_per_run_and_batch() -> None:
    factory = CJEventFactory("cj_assessment_service")
    ranking = [RankedEssay("e1", 1, 0.51234567, 3, 4), RankedEssay("e2", 2, -0.51234567, 1, 4)]

    completed = factory.completed(
        batch_id="b",
        pipeline_run_id="r",
        ranking=ranking,
        comparison_count=4,
        judge="j",
        correlation_id=uuid.uuid4(),
    )
    again = factory.completed(
        batch_id="b",
        pipeline_run_id="r",
        ranking=ranking,
        comparison_count=4,
        judge="j",
        correlation_id=uuid.uuid4(),
    )
    failed = factory.failed(
        batch_id="b", pipeline_run_id="r2", reason="x", message="m", correlation_id=uuid.uuid4()
    )

    assert (
        completed.event_id
        == again.event_id
        == deterministic_event_id(
            ProcessingEvent.CJ_ASSESSMENT_COMPLETED, batch_id="b", pipeline_run_id="r"
        )
    )
    assert failed.event_id == deterministic_event_id(
        ProcessingEvent.CJ_ASSESSMENT_FAILED, batch_id="b", pipeline_run_id="r2"
    )
    assert [(r.essay_id, r.rank, r.score) for r in completed.data.rankings] == [
        ("e1", 1, 0.512346),
        ("e2", 2, -0.512346),
    ]
    assert completed.source_service == "cj_assessment_service"
