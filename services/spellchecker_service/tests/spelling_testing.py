"""Test helpers: tiny hand-made lexicons and the real dictionaries (loaded once per session)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from symspellpy import SymSpell

from services.spellchecker_service.config import default_data_dir
from services.spellchecker_service.spelling.engines import SpellingEngines
from services.spellchecker_service.spelling.lexicon import Lexicon, frequency_at_zipf
from services.spellchecker_service.spelling.policy import LanguagePolicy


def tiny_lexicon(
    zipfs: Mapping[str, float],
    *,
    language: str = "en",
    trusted: frozenset[str] = frozenset(),
    candidate_min_zipf: float = 2.5,
) -> Lexicon:
    """A lexicon of the given words and zipf frequencies (indexed above candidate_min_zipf)."""
    frequencies = {word: frequency_at_zipf(value) for word, value in zipfs.items()}
    index = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word, value in zipfs.items():
        if value >= candidate_min_zipf and (not trusted or word in trusted):
            index.create_dictionary_entry(word, max(1, round(frequencies[word] * 1e9)))
    return Lexicon(language, frequencies, trusted, index)


def tiny_policy(**overrides: object) -> LanguagePolicy:
    values: dict[str, object] = {"language": "en"}
    values.update(overrides)
    return LanguagePolicy(**values)  # type: ignore[arg-type]


@cache
def real_engines() -> SpellingEngines:
    """English and Swedish as the service loads them (cached in the service's data folder)."""
    engines = SpellingEngines(["en", "sv"], default_data_dir())
    engines.load()
    return engines
