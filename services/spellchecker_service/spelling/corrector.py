"""Correcting the spelling of a whole text in one language.

Kept as written: names (capitalised words inside a sentence, and any word the text also uses
that way), short acronyms in capitals, words holding digits, URLs, e-mail addresses, and
everything that is not a word (numbers, punctuation, whitespace). A corrected word keeps the
casing of the original (UPPER, Title, lower).
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon
from .policy import LanguagePolicy
from .tokens import APOSTROPHES, Token, apply_casing, is_all_caps, is_capitalised, word_tokens
from .word_judge import WordJudge

_ACRONYM_MAX_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Correction:
    """One replaced word: as written, its replacement, its offset in the original text."""

    original: str
    corrected: str
    offset: int


@dataclass(frozen=True, slots=True)
class CorrectedText:
    text: str
    corrections: tuple[Correction, ...]
    word_count: int = 0


class SpellingCorrector:
    """Corrects texts of one language; safe to share (its only state is a verdict memo)."""

    def __init__(self, lexicon: Lexicon, policy: LanguagePolicy) -> None:
        self.language = policy.language
        self._judge = WordJudge(lexicon, policy)

    def correct(self, text: str) -> CorrectedText:
        tokens = list(word_tokens(text))
        names = _names_in(tokens)
        corrections = [
            correction
            for token in tokens
            if (correction := self._correct_token(token, names)) is not None
        ]
        return CorrectedText(_apply(text, corrections), tuple(corrections), len(tokens))

    def _correct_token(self, token: Token, names: frozenset[str]) -> Correction | None:
        word = token.text
        if _looks_like_name(token) or word in names or _is_acronym(word):
            return None
        replacement = self._replacement(word.lower())
        if replacement is None:
            return None
        return Correction(word, apply_casing(word, replacement), token.offset)

    def _replacement(self, word: str) -> str | None:
        if _is_possessive(word):
            # "studnet's": correct the word, keep its possessive ending.
            stem = self._judge.replacement(word[:-2])
            return None if stem is None else stem + word[-2:]
        return self._judge.replacement(word)


def _looks_like_name(token: Token) -> bool:
    return is_capitalised(token.text) and not token.sentence_start


def _is_acronym(word: str) -> bool:
    return is_all_caps(word) and len(word) <= _ACRONYM_MAX_LENGTH


def _is_possessive(word: str) -> bool:
    return len(word) > 2 and word[-2] in APOSTROPHES and word[-1] == "s"


def _names_in(tokens: list[Token]) -> frozenset[str]:
    """Words the text capitalises inside a sentence: names wherever they appear."""
    return frozenset(token.text for token in tokens if _looks_like_name(token))


def _apply(text: str, corrections: list[Correction]) -> str:
    parts: list[str] = []
    position = 0
    for correction in corrections:
        parts.append(text[position : correction.offset])
        parts.append(correction.corrected)
        position = correction.offset + len(correction.original)
    parts.append(text[position:])
    return "".join(parts)
