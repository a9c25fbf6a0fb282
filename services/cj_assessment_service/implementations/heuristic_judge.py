"""The default judge: offline and deterministic, it prefers the essay whose writing-quality
features score higher (domain.writing_features). A heuristic, not a reading of the essays."""

from __future__ import annotations

import math
from collections import OrderedDict

from services.cj_assessment_service.domain.judging import (
    Choice,
    EssayForJudging,
    Judgement,
    PairContext,
)
from services.cj_assessment_service.domain.writing_features import (
    extract_features,
    quality_score,
    target_words_from_instructions,
)

HEURISTIC_JUDGE_NAME = "heuristic-writing-features-v1"
_CACHE_SIZE = 2048
# Confidence is sigmoid(_CONFIDENCE_SLOPE * |score difference|): 0.1 apart is ~0.73.
_CONFIDENCE_SLOPE = 10.0

_CacheKey = tuple[str, str, float | None, int]


class HeuristicJudge:
    """Compares quality scores; equal scores go to the longer essay, then the smaller id."""

    def __init__(self, *, default_target_words: int) -> None:
        self._default_target_words = default_target_words
        self._scores: OrderedDict[_CacheKey, tuple[float, int]] = OrderedDict()

    @property
    def name(self) -> str:
        return HEURISTIC_JUDGE_NAME

    async def judge(self, pair: PairContext) -> Judgement:
        target = target_words_from_instructions(pair.essay_instructions, self._default_target_words)
        score_a, words_a = self._score(pair.essay_a, target)
        score_b, words_b = self._score(pair.essay_b, target)
        if (score_a, words_a) != (score_b, words_b):
            a_wins = (score_a, words_a) > (score_b, words_b)
        else:
            a_wins = pair.essay_a.essay_id <= pair.essay_b.essay_id
        choice = Choice.A if a_wins else Choice.B
        confidence = 1.0 / (1.0 + math.exp(-_CONFIDENCE_SLOPE * abs(score_a - score_b)))
        return Judgement(choice=choice, confidence=round(confidence, 4))

    def _score(self, essay: EssayForJudging, target: int) -> tuple[float, int]:
        key = (essay.essay_id, essay.text_storage_id, essay.spelling_error_rate, target)
        cached = self._scores.get(key)
        if cached is not None:
            self._scores.move_to_end(key)
            return cached
        features = extract_features(
            essay.text, target_words=target, spelling_error_rate=essay.spelling_error_rate
        )
        result = (quality_score(features), features.word_count)
        self._scores[key] = result
        if len(self._scores) > _CACHE_SIZE:
            self._scores.popitem(last=False)
        return result
