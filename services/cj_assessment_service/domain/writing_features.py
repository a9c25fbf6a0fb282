"""Writing-quality features of an essay and the heuristic quality score built from them.

This is a heuristic, not an assessment of content or argument: it rewards surface features that
correlate with better student writing. Each feature is mapped to a sub-score in [0, 1]:

- length relative to the task's target (weight 0.30): ``words / target`` below the target,
  1 up to 1.5 x the target, then falling linearly to 0 at 3 x;
- lexical diversity, MATTR (mean type-token ratio over 50-word windows) (0.25):
  ``(mattr - 0.45) / 0.35``;
- spelling-error rate measured by the spellcheck phase, corrections per word (0.20):
  ``1 - rate / 0.08``;
- average word length in letters (0.15): ``(mean - 3.6) / 1.4``;
- sentence-length variety, coefficient of variation of words per sentence (0.10): ``cv / 0.6``.

Sub-scores are clipped to [0, 1]; the score is their weighted mean. When the spelling-error rate
is unknown (spellcheck did not run) its weight is left out and the others are renormalised.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
TARGET_LENGTH = re.compile(
    r"(\d{2,4})\s*(?:(?:-|\u2013|to|till)\s*(\d{2,4})\s*)?(?:words|ord)\b", re.IGNORECASE
)

MATTR_WINDOW = 50
DEFAULT_TARGET_WORDS = 350


@dataclass(frozen=True, slots=True)
class FeatureWeights:
    length: float = 0.30
    lexical_diversity: float = 0.25
    spelling: float = 0.20
    word_length: float = 0.15
    sentence_variety: float = 0.10


DEFAULT_WEIGHTS = FeatureWeights()


@dataclass(frozen=True, slots=True)
class WritingFeatures:
    word_count: int
    target_words: int
    lexical_diversity: float
    mean_word_length: float
    sentence_length_cv: float
    spelling_error_rate: float | None


def target_words_from_instructions(instructions: str, default: int = DEFAULT_TARGET_WORDS) -> int:
    """The length the task asks for ("about 400 words", "300-500 ord": the midpoint), or
    `default` when the instructions name none."""
    match = TARGET_LENGTH.search(instructions)
    if match is None:
        return default
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    return max(1, (low + high) // 2)


def extract_features(
    text: str, *, target_words: int, spelling_error_rate: float | None
) -> WritingFeatures:
    words = WORD.findall(text)
    return WritingFeatures(
        word_count=len(words),
        target_words=target_words,
        lexical_diversity=moving_average_ttr(words),
        mean_word_length=statistics.fmean(len(w) for w in words) if words else 0.0,
        sentence_length_cv=_sentence_length_cv(text),
        spelling_error_rate=spelling_error_rate,
    )


def quality_score(features: WritingFeatures, weights: FeatureWeights = DEFAULT_WEIGHTS) -> float:
    """Weighted mean of the clipped sub-scores (see the module docstring), in [0, 1]."""
    parts = [
        (weights.length, length_subscore(features.word_count, features.target_words)),
        (weights.lexical_diversity, _clip((features.lexical_diversity - 0.45) / 0.35)),
        (weights.word_length, _clip((features.mean_word_length - 3.6) / 1.4)),
        (weights.sentence_variety, _clip(features.sentence_length_cv / 0.6)),
    ]
    if features.spelling_error_rate is not None:
        parts.append((weights.spelling, _clip(1.0 - features.spelling_error_rate / 0.08)))
    total_weight = sum(weight for weight, _ in parts)
    return sum(weight * value for weight, value in parts) / total_weight


def length_subscore(word_count: int, target_words: int) -> float:
    ratio = word_count / target_words
    if ratio <= 1.0:
        return ratio
    if ratio <= 1.5:
        return 1.0
    return _clip(1.0 - (ratio - 1.5) / 1.5)


def moving_average_ttr(words: list[str], window: int = MATTR_WINDOW) -> float:
    """Mean type-token ratio over every `window`-word window (plain TTR for shorter texts)."""
    lowered = [w.lower() for w in words]
    if not lowered:
        return 0.0
    if len(lowered) <= window:
        return len(set(lowered)) / len(lowered)
    counts: dict[str, int] = {}
    for word in lowered[:window]:
        counts[word] = counts.get(word, 0) + 1
    distinct_total = len(counts)
    for leaving, entering in zip(lowered, lowered[window:], strict=False):
        counts[entering] = counts.get(entering, 0) + 1
        counts[leaving] -= 1
        if counts[leaving] == 0:
            del counts[leaving]
        distinct_total += len(counts)
    windows = len(lowered) - window + 1
    return distinct_total / (windows * window)


def _sentence_length_cv(text: str) -> float:
    lengths = [n for part in SENTENCE_BREAK.split(text) if (n := len(WORD.findall(part)))]
    if len(lengths) < 2:
        return 0.0
    mean = statistics.fmean(lengths)
    return statistics.pstdev(lengths) / mean if mean else 0.0


def _clip(value: float) -> float:
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))
