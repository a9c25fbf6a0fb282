"""Status enums hold exactly the values architecture.md lists."""

from __future__ import annotations

from enum import Enum

import pytest

from common_core.status_enums import (
    BatchClientStatus,
    BatchStatus,
    CourseCode,
    EssayStatus,
    Language,
    PhaseName,
    PipelineExecutionStatus,
)

ARCHITECTURE_VALUES: list[tuple[type[Enum], list[str]]] = [
    (
        EssayStatus,
        [
            "awaiting_content",
            "content_failed",
            "ready_for_processing",
            "awaiting_spellcheck",
            "spellchecking_in_progress",
            "spellchecked_success",
            "spellcheck_failed",
            "awaiting_cj_assessment",
            "cj_assessment_in_progress",
            "cj_assessment_success",
            "cj_assessment_failed",
            "all_processing_completed",
            "essay_critical_failure",
        ],
    ),
    (
        BatchStatus,
        [
            "awaiting_content",
            "ready_for_pipeline_execution",
            "processing_pipelines",
            "completed_successfully",
            "completed_with_failures",
            "failed",
            "readiness_timed_out",
        ],
    ),
    (
        PipelineExecutionStatus,
        [
            "requested",
            "pending_dependencies",
            "dispatch_initiated",
            "in_progress",
            "completed_successfully",
            "completed_with_partial_success",
            "failed",
            "skipped_pruned",
        ],
    ),
    (
        BatchClientStatus,
        [
            "pending_content",
            "ready",
            "processing",
            "completed_successfully",
            "completed_with_failures",
            "failed",
        ],
    ),
    (PhaseName, ["spellcheck", "cj_assessment", "ai_feedback", "nlp"]),
    (CourseCode, ["ENG5", "ENG6", "ENG7", "SV1", "SV2", "SV3"]),
    (Language, ["en", "sv"]),
]


@pytest.mark.parametrize(("enum", "values"), ARCHITECTURE_VALUES, ids=lambda x: str(x))
def test_enum_values_match_architecture(enum: type[Enum], values: list[str]) -> None:
    assert [member.value for member in enum] == values
    assert all(isinstance(member, str) for member in enum)


@pytest.mark.parametrize(
    ("course", "language"),
    [
        (CourseCode.ENG5, Language.ENGLISH),
        (CourseCode.ENG7, Language.ENGLISH),
        (CourseCode.SV1, Language.SWEDISH),
        (CourseCode.SV3, Language.SWEDISH),
    ],
)
def test_course_code_language(course: CourseCode, language: Language) -> None:
    assert course.language is language


def test_terminal_execution_statuses() -> None:
    terminal = {s for s in PipelineExecutionStatus if s.is_terminal}
    assert terminal == {
        PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
        PipelineExecutionStatus.FAILED,
        PipelineExecutionStatus.SKIPPED_PRUNED,
    }
