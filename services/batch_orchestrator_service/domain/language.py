"""The essay language of a course, used in the phase commands BOS sends."""

from __future__ import annotations

from common_core.status_enums import CourseCode, Language


class UnknownCourseError(ValueError):
    """A course code whose language cannot be inferred."""


def infer_language(course_code: CourseCode | str) -> Language:
    """SV* courses are Swedish ("sv"), ENG* courses English ("en"); anything else raises."""
    code = str(course_code).strip().upper()
    if code.startswith("SV"):
        return Language.SWEDISH
    if code.startswith("ENG"):
        return Language.ENGLISH
    raise UnknownCourseError(f"cannot infer the language of course code {course_code!r}")
