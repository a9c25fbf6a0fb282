"""The word data of one language, built from lists that ship inside PyPI packages.

- frequencies: wordfreq's `large` list (web, subtitles, books...): how common each word is;
- trusted: a curated dictionary, where one exists (pyspellchecker's English list);
- candidates: a SymSpell index of the words a misspelling may be corrected into.

Building the SymSpell index takes seconds, so `lexicon_cache` keeps built lexicons on disk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from symspellpy import SymSpell, Verbosity

from .policy import LanguagePolicy

_ZIPF_OFFSET = 9.0  # zipf = log10(frequency per billion words)
_PREFIX_LENGTH = 7


def zipf(frequency: float) -> float:
    return math.log10(frequency) + _ZIPF_OFFSET if frequency > 0 else 0.0


def frequency_at_zipf(value: float) -> float:
    return float(10 ** (value - _ZIPF_OFFSET))


@dataclass(frozen=True, slots=True)
class Candidate:
    word: str
    distance: int
    frequency: float


class Lexicon:
    """Frequencies, trusted words and a candidate index of one language."""

    def __init__(
        self,
        language: str,
        frequencies: Mapping[str, float],
        trusted: frozenset[str],
        index: SymSpell,
    ) -> None:
        self.language = language
        self._frequencies = frequencies
        self._trusted = trusted
        self._index = index

    def frequency(self, word: str) -> float:
        return self._frequencies.get(word, 0.0)

    def is_trusted(self, word: str) -> bool:
        return word in self._trusted

    def candidates(self, word: str, max_distance: int) -> list[Candidate]:
        """Indexed words within `max_distance` edits of `word`, the word itself excluded."""
        suggestions = self._index.lookup(
            word, Verbosity.ALL, max_edit_distance=max_distance, include_unknown=False
        )
        return [
            Candidate(item.term, item.distance, self.frequency(item.term))
            for item in suggestions
            if item.term != word
        ]

    @property
    def index(self) -> SymSpell:
        return self._index

    @property
    def frequencies(self) -> Mapping[str, float]:
        return self._frequencies

    @property
    def trusted(self) -> frozenset[str]:
        return self._trusted


def build_lexicon(policy: LanguagePolicy) -> Lexicon:
    """Build the lexicon of `policy.language` from the installed packages (seconds)."""
    import wordfreq

    frequencies = wordfreq.get_frequency_dict(policy.language, wordlist="large")
    trusted = _trusted_words(policy.language)
    floor = frequency_at_zipf(policy.candidate_min_zipf)
    index = SymSpell(
        max_dictionary_edit_distance=policy.max_edit_distance, prefix_length=_PREFIX_LENGTH
    )
    for word, frequency in frequencies.items():
        if frequency >= floor and (not trusted or word in trusted) and _is_word(word):
            index.create_dictionary_entry(word, max(1, round(frequency * 1e9)))
    return Lexicon(policy.language, frequencies, trusted, index)


def _trusted_words(language: str) -> frozenset[str]:
    """The curated dictionary of `language`, or an empty set where there is none."""
    if language != "en":
        return frozenset()
    from spellchecker import SpellChecker

    checker = SpellChecker(language="en", case_sensitive=False)
    return frozenset(checker.word_frequency.dictionary)


def _is_word(entry: str) -> bool:
    return entry.replace("'", "").replace("\u2019", "").isalpha()
