"""Deciding, for one lower-case word, whether to replace it and with what."""

from __future__ import annotations

import math

from .edit_cost import edit_cost
from .lexicon import Candidate, Lexicon, frequency_at_zipf
from .policy import LanguagePolicy

_SWEDISH_LINKS = ("s", "e", "a", "u", "o")
_INFLECTION_MAX = 3


class WordJudge:
    """Applies a language policy to single words; remembers its verdicts."""

    def __init__(self, lexicon: Lexicon, policy: LanguagePolicy, *, memo_size: int = 100_000):
        self._lexicon = lexicon
        self._policy = policy
        self._keep_frequency = (
            frequency_at_zipf(policy.keep_zipf) if policy.keep_zipf is not None else math.inf
        )
        self._part_frequency = frequency_at_zipf(policy.compound_part_min_zipf)
        self._memo: dict[str, str | None] = {}
        self._memo_size = memo_size

    def replacement(self, word: str) -> str | None:
        """The correction of lower-case `word`, or None to keep it."""
        if word in self._memo:
            return self._memo[word]
        verdict = self._judge(word)
        if len(self._memo) < self._memo_size:
            self._memo[word] = verdict
        return verdict

    def _judge(self, word: str) -> str | None:
        if self._is_known(word):
            return None
        frequency = self._lexicon.frequency(word)
        best = self._best_candidate(word, frequency)
        if best is None:
            return None
        compound = self._policy.split_compounds and self.is_compound(word)
        inflection = self._policy.guard_inflections and _differs_by_ending(word, best)
        if inflection and (frequency > 0 or compound):
            return None
        if compound and edit_cost(word, best.word) > self._policy.compound_override_cost:
            return None
        return best.word

    def _is_known(self, word: str) -> bool:
        if len(word) < self._policy.min_word_length or self._lexicon.is_trusted(word):
            return True
        return self._lexicon.frequency(word) >= self._keep_frequency

    def _best_candidate(self, word: str, frequency: float) -> Candidate | None:
        short = len(word) <= self._policy.short_word_length
        max_distance = 1 if short else self._policy.max_edit_distance
        eligible = [
            candidate
            for candidate in self._lexicon.candidates(word, max_distance)
            if candidate.frequency >= frequency * self._required_ratio(candidate)
        ]
        if not eligible:
            return None
        best = max(eligible, key=lambda candidate: self._score(word, candidate))
        if frequency > 0 and self._margin(word, frequency, best) < self._policy.min_margin:
            return None
        return best

    def _required_ratio(self, candidate: Candidate) -> float:
        if candidate.distance > 1:
            return self._policy.frequency_ratio_far
        return self._policy.frequency_ratio

    def _margin(self, word: str, frequency: float, candidate: Candidate) -> float:
        """How much likelier the candidate is than the listed word, typo cost included."""
        return self._score(word, candidate) - math.log10(frequency)

    def _score(self, word: str, candidate: Candidate) -> float:
        cost = edit_cost(word, candidate.word)
        return math.log10(candidate.frequency) - self._policy.cost_weight * cost

    def is_compound(self, word: str, *, depth: int = 0) -> bool:
        """True when `word` is two or three known words joined (Swedish compounding)."""
        min_head = self._policy.compound_head_min_length
        min_tail = self._policy.compound_tail_min_length
        for split in range(min_head, len(word) - min_tail + 1):
            head, tail = word[:split], word[split:]
            if not self._is_compound_head(head):
                continue
            if self._is_common(tail) or (depth == 0 and self.is_compound(tail, depth=1)):
                return True
        return False

    def _is_compound_head(self, head: str) -> bool:
        if self._is_common(head):
            return True
        stem = head[:-1]
        min_head = self._policy.compound_head_min_length
        if head[-1] in _SWEDISH_LINKS and len(stem) >= min_head and self._is_common(stem):
            return True
        return len(head) > min_head and any(self._is_common(head + vowel) for vowel in "ae")

    def _is_common(self, word: str) -> bool:
        return self._lexicon.frequency(word) >= self._part_frequency


def _differs_by_ending(word: str, candidate: Candidate) -> bool:
    """One word is the other plus a short ending: likely another inflection of the same word."""
    shorter, longer = sorted((word, candidate.word), key=len)
    return longer.startswith(shorter) and 0 < len(longer) - len(shorter) <= _INFLECTION_MAX
