"""Reading the model's choice out of free-text answers."""

from __future__ import annotations

import pytest

from services.cj_assessment_service.domain.answer_parsing import parse_choice
from services.cj_assessment_service.domain.judging import Choice


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A", Choice.A),
        (" b \n", Choice.B),
        ("**B**", Choice.B),
        ("Essay A.", Choice.A),
        ('{"winner": "B"}', Choice.B),
        ('```json\n{"answer": "Essay A"}\n```', Choice.A),
        ("The better essay is A because it is clearer.", Choice.A),
        ("A better essay is B.", Choice.B),
        ("Winner: B", Choice.B),
        ("Answer: **A**", Choice.A),
        ("I prefer Essay B.", Choice.B),
        ("B. It argues more convincingly.", Choice.B),
        ("Essay A, because of its structure.", Choice.A),
        ("After reading both, Essay B is stronger than the other one.", Choice.B),
        ("Essay A is better than Essay B", Choice.A),
    ],
)
def test_recognisable_answers(answer: str, expected: Choice) -> None:
    assert parse_choice(answer) is expected


@pytest.mark.parametrize(
    "answer",
    ["", "Both are good.", "Neither", "I cannot decide.", "a clear case", "A-level work", "{}"],
)
def test_answers_without_a_clear_choice(answer: str) -> None:
    assert parse_choice(answer) is None
