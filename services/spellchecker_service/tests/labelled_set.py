"""The labelled spelling test set (tests/data/spelling_<lang>.txt) and its scoring.

Each line is one sentence; `{typed|intended}` marks a misspelling and its correction, every other
word is correct as written. Scoring compares the corrector's corrections with the marks:
precision = right corrections / corrections made, recall = right corrections / misspellings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from services.spellchecker_service.spelling.corrector import Correction, SpellingCorrector

DATA_DIR = Path(__file__).parent / "data"
_MARK = re.compile(r"\{([^|{}]+)\|([^|{}]+)\}")


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    text: str
    expected: dict[int, tuple[str, str]]  # offset → (typed, intended)


@dataclass
class Score:
    misspellings: int = 0
    corrections: int = 0
    right: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.corrections if self.corrections else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.misspellings if self.misspellings else 1.0

    def summary(self, language: str) -> str:
        return (
            f"{language}: precision {self.precision:.3f} ({self.right}/{self.corrections}), "
            f"recall {self.recall:.3f} ({self.right}/{self.misspellings})"
        )


def parse_line(line: str) -> LabelledSentence:
    parts: list[str] = []
    expected: dict[int, tuple[str, str]] = {}
    position = 0
    length = 0
    for match in _MARK.finditer(line):
        before = line[position : match.start()]
        parts.append(before)
        length += len(before)
        typed, intended = match.group(1), match.group(2)
        expected[length] = (typed, intended)
        parts.append(typed)
        length += len(typed)
        position = match.end()
    parts.append(line[position:])
    return LabelledSentence("".join(parts), expected)


def load_labelled(language: str) -> list[LabelledSentence]:
    lines = (DATA_DIR / f"spelling_{language}.txt").read_text(encoding="utf-8").splitlines()
    return [parse_line(line) for line in lines if line.strip() and not line.startswith("#")]


def score(corrector: SpellingCorrector, sentences: Iterable[LabelledSentence]) -> Score:
    result = Score()
    for sentence in sentences:
        corrections = corrector.correct(sentence.text).corrections
        result.misspellings += len(sentence.expected)
        result.corrections += len(corrections)
        for correction in corrections:
            if _is_right(correction, sentence):
                result.right += 1
            else:
                result.mistakes.append(f"{correction.original}->{correction.corrected}")
        made = {correction.offset for correction in corrections}
        result.mistakes.extend(
            f"missed {typed}->{intended}"
            for offset, (typed, intended) in sentence.expected.items()
            if offset not in made
        )
    return result


def _is_right(correction: Correction, sentence: LabelledSentence) -> bool:
    expected = sentence.expected.get(correction.offset)
    return expected is not None and expected == (correction.original, correction.corrected)
