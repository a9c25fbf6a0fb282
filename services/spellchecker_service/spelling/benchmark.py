"""Timing spelling correction alone (no I/O), for benchmarks/pipeline.py and the report.

engines = SpellingEngines(["en"], data_dir)
timing = time_corrections(engines, "en", texts)
print(timing.per_essay_ms, timing.essays_per_second)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from .engines import LoadReport, SpellingEngines


@dataclass(frozen=True, slots=True)
class CorrectionTiming:
    """Wall-clock time to correct `essays` texts one after another in this process."""

    language: str
    essays: int
    words: int
    corrections: int
    seconds: float
    load_reports: tuple[LoadReport, ...] = ()

    @property
    def per_essay_ms(self) -> float:
        return 1000 * self.seconds / self.essays if self.essays else 0.0

    @property
    def essays_per_second(self) -> float:
        return self.essays / self.seconds if self.seconds > 0 else 0.0


def time_corrections(
    engines: SpellingEngines, language: str, texts: Sequence[str]
) -> CorrectionTiming:
    """Correct every text with a fresh corrector (no verdicts remembered from earlier runs)."""
    reports = tuple(engines.load())
    corrector = engines.fresh_corrector(language)
    words = sum(len(text.split()) for text in texts)
    corrections = 0
    started = time.perf_counter()
    for text in texts:
        corrections += len(corrector.correct(text).corrections)
    seconds = time.perf_counter() - started
    return CorrectionTiming(language, len(texts), words, corrections, seconds, reports)
