"""Per-language tuning of the corrector (measured on tests/data, see test_accuracy.py)."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "sv")


@dataclass(frozen=True, slots=True)
class LanguagePolicy:
    """When a word is corrected, and into what.

    The web frequency lists contain common misspellings, so being listed is not being right:
    a listed word is replaced only by a candidate at least `frequency_ratio` times more frequent
    (at edit distance 2, `frequency_ratio_far`), and only when
    log10(candidate / word frequency) - cost_weight * typo cost >= `min_margin`, so that an
    implausible edit needs far more evidence. A word at or above `keep_zipf` is always kept.
    """

    language: str
    frequency_ratio: float = 30.0
    frequency_ratio_far: float = 300.0
    keep_zipf: float | None = None
    candidate_min_zipf: float = 2.5
    min_word_length: int = 3
    short_word_length: int = 4
    max_edit_distance: int = 2
    cost_weight: float = 2.5
    min_margin: float = -0.5
    split_compounds: bool = False
    compound_part_min_zipf: float = 3.0
    compound_head_min_length: int = 3
    compound_tail_min_length: int = 4
    compound_override_cost: float = 0.8
    guard_inflections: bool = False


DEFAULT_POLICIES: dict[str, LanguagePolicy] = {
    "en": LanguagePolicy(language="en"),
    "sv": LanguagePolicy(
        language="sv",
        keep_zipf=4.0,
        split_compounds=True,
        guard_inflections=True,
    ),
}


def policy_for(language: str) -> LanguagePolicy:
    """The default policy of a supported language; KeyError for any other."""
    return DEFAULT_POLICIES[language]
