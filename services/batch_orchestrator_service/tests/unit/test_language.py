"""infer_language: SV* courses are Swedish, ENG* courses English."""

from __future__ import annotations

import pytest

from common_core.status_enums import CourseCode, Language
from services.batch_orchestrator_service.domain.language import (
    UnknownCourseError,
    infer_language,
)


@pytest.mark.parametrize(
    ("course_code", "language"),
    [
        (CourseCode.SV1, Language.SWEDISH),
        (CourseCode.SV2, Language.SWEDISH),
        (CourseCode.SV3, Language.SWEDISH),
        (CourseCode.ENG5, Language.ENGLISH),
        (CourseCode.ENG6, Language.ENGLISH),
        (CourseCode.ENG7, Language.ENGLISH),
    ],
)
def test_every_known_course_has_its_language(course_code: CourseCode, language: Language) -> None:
    assert infer_language(course_code) is language


def test_plain_strings_are_accepted_case_insensitively() -> None:
    assert infer_language("sv2") is Language.SWEDISH
    assert infer_language(" eng5 ") is Language.ENGLISH


@pytest.mark.parametrize("course_code", ["", "MATH1", "EN5", "S1"])
def test_unknown_course_codes_raise(course_code: str) -> None:
    with pytest.raises(UnknownCourseError, match="cannot infer"):
        infer_language(course_code)
