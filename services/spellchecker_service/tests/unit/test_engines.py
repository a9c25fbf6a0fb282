from __future__ import annotations

from pathlib import Path

import pytest

from services.spellchecker_service.spelling.benchmark import time_corrections
from services.spellchecker_service.spelling.engines import (
    SpellingEngines,
    UnsupportedLanguageError,
)

from ..spelling_testing import real_engines


def test_a_language_without_a_policy_is_refused_at_construction(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        SpellingEngines(["de"], tmp_path)


def test_a_language_not_configured_is_unsupported(tmp_path: Path) -> None:
    engines = SpellingEngines(["en"], tmp_path)
    with pytest.raises(UnsupportedLanguageError, match="'sv' is not supported"):
        engines.corrector("sv")


def test_a_configured_language_needs_loading_first(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not loaded"):
        SpellingEngines(["en"], tmp_path).corrector("en")


def test_time_corrections_counts_essays_words_and_corrections() -> None:
    texts = ["I recieved it becuase of you.", "Nothing wrong here at all."] * 5
    timing = time_corrections(real_engines(), "en", texts)
    assert (timing.essays, timing.words, timing.corrections) == (10, 55, 10)
    assert timing.seconds > 0
    assert timing.per_essay_ms == pytest.approx(1000 * timing.seconds / 10)
    assert timing.essays_per_second == pytest.approx(10 / timing.seconds)
