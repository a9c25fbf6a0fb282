"""The correctors of every supported language, loaded once per process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .corrector import SpellingCorrector
from .lexicon import Lexicon
from .lexicon_cache import LexiconCache
from .policy import policy_for


class UnsupportedLanguageError(LookupError):
    """No corrector is loaded for this language."""

    def __init__(self, language: str, supported: Iterable[str]) -> None:
        names = ", ".join(sorted(supported)) or "none"
        super().__init__(f"language {language!r} is not supported (supported: {names})")
        self.language = language


@dataclass(frozen=True, slots=True)
class LoadReport:
    """How one language's lexicon was obtained and how long it took."""

    language: str
    seconds: float
    from_cache: bool


class SpellingEngines:
    """Loads the correctors of `languages` (cached in `data_dir`) and hands them out."""

    def __init__(self, languages: Iterable[str], data_dir: Path) -> None:
        self.languages = tuple(dict.fromkeys(languages))
        for language in self.languages:
            policy_for(language)  # refuses an unsupported language at construction
        self._cache = LexiconCache(data_dir)
        self._correctors: dict[str, SpellingCorrector] = {}
        self._lexicons: dict[str, Lexicon] = {}
        self._lock = threading.Lock()
        self.reports: list[LoadReport] = []

    @property
    def loaded(self) -> bool:
        return len(self._correctors) == len(self.languages)

    def load(self) -> list[LoadReport]:
        """Load every language not loaded yet (blocking; run it in a thread)."""
        with self._lock:
            for language in self.languages:
                if language not in self._correctors:
                    self._correctors[language] = self._load_one(language)
            return list(self.reports)

    def _load_one(self, language: str) -> SpellingCorrector:
        policy = policy_for(language)
        started = time.perf_counter()
        lexicon, from_cache = self._cache.load_or_build(policy)
        self.reports.append(LoadReport(language, time.perf_counter() - started, from_cache))
        self._lexicons[language] = lexicon
        return SpellingCorrector(lexicon, policy)

    def fresh_corrector(self, language: str) -> SpellingCorrector:
        """A new corrector over the loaded lexicon, without remembered verdicts (benchmarks)."""
        self.corrector(language)  # raises for an unsupported or unloaded language
        return SpellingCorrector(self._lexicons[language], policy_for(language))

    def corrector(self, language: str) -> SpellingCorrector:
        """The corrector of `language`; UnsupportedLanguageError if it is not configured."""
        corrector = self._correctors.get(language)
        if corrector is None:
            if language in self.languages:
                raise RuntimeError("the dictionaries are not loaded yet (call load() first)")
            raise UnsupportedLanguageError(language, self.languages)
        return corrector
