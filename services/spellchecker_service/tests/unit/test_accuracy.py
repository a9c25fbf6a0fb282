"""Precision and recall on the labelled test set (tests/data/spelling_<lang>.txt)."""

from __future__ import annotations

import pytest

from ..labelled_set import load_labelled, parse_line, score
from ..spelling_testing import real_engines

MIN_PRECISION = 0.9
MIN_RECALL = 0.7
MIN_MISSPELLINGS = 50


@pytest.mark.parametrize("language", ["en", "sv"])
def test_precision_and_recall(language: str) -> None:
    sentences = load_labelled(language)
    result = score(real_engines().corrector(language), sentences)
    print(result.summary(language), "; wrong or missed:", ", ".join(result.mistakes))
    assert result.misspellings >= MIN_MISSPELLINGS
    assert result.precision >= MIN_PRECISION, result.mistakes
    assert result.recall >= MIN_RECALL, result.mistakes


def test_the_labelled_set_parses_marks_into_offsets() -> None:
    sentence = parse_line("I {recieved|received} it {teh|the} day.")
    assert sentence.text == "I recieved it teh day."
    assert sentence.expected == {2: ("recieved", "received"), 14: ("teh", "the")}
