"""The heuristic's features, its quality score and the default judge built on them."""

from __future__ import annotations

import itertools

import pytest

from services.cj_assessment_service.domain.judging import Choice, EssayForJudging, PairContext
from services.cj_assessment_service.domain.writing_features import (
    FeatureWeights,
    WritingFeatures,
    extract_features,
    length_subscore,
    moving_average_ttr,
    quality_score,
    target_words_from_instructions,
)
from services.cj_assessment_service.implementations.heuristic_judge import HeuristicJudge
from services.cj_assessment_service.tests.support_texts import (
    INSTRUCTIONS,
    SPELLING_ERROR_RATES,
    sample_essays,
)


def _features(**overrides: object) -> WritingFeatures:
    values: dict[str, object] = {
        "word_count": 400,
        "target_words": 400,
        "lexical_diversity": 0.8,
        "mean_word_length": 4.5,
        "sentence_length_cv": 0.5,
        "spelling_error_rate": 0.01,
    }
    values.update(overrides)
    return WritingFeatures(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instructions", "target"),
    [
        ("Write about 400 words.", 400),
        ("Skriv en text på 300-500 ord.", 400),
        ("Between 250 to 350 words, please", 300),
        ("Write an essay on phones.", 350),
    ],
)
def test_the_target_length_comes_from_the_instructions(instructions: str, target: int) -> None:
    assert target_words_from_instructions(instructions, default=350) == target


def test_length_is_best_from_the_target_to_one_and_a_half_times_it() -> None:
    assert length_subscore(200, 400) == pytest.approx(0.5)
    assert length_subscore(400, 400) == length_subscore(600, 400) == 1.0
    assert length_subscore(900, 400) == pytest.approx(0.5)
    assert length_subscore(1300, 400) == 0.0


def test_mattr_of_repetitive_and_varied_text() -> None:
    assert moving_average_ttr(["phones"] * 80) == pytest.approx(1 / 50)
    assert moving_average_ttr([f"w{i}" for i in range(80)]) == 1.0
    assert moving_average_ttr(["a", "b", "a"]) == pytest.approx(2 / 3)
    assert moving_average_ttr([]) == 0.0


def test_features_of_a_small_text() -> None:
    text = "Phones distract us. They ring! Students cannot concentrate on anything at all."

    features = extract_features(text, target_words=100, spelling_error_rate=None)

    assert features.word_count == 12
    assert features.mean_word_length == pytest.approx(sum(map(len, text.split())) / 12, abs=0.5)
    assert features.sentence_length_cv > 0.4  # sentences of 3, 2 and 7 words


@pytest.mark.parametrize(
    "worse",
    [
        {"word_count": 150},
        {"lexical_diversity": 0.55},
        {"mean_word_length": 3.9},
        {"sentence_length_cv": 0.1},
        {"spelling_error_rate": 0.06},
    ],
)
def test_each_feature_moves_the_score_the_documented_way(worse: dict[str, object]) -> None:
    assert quality_score(_features(**worse)) < quality_score(_features())


def test_an_unknown_spelling_rate_is_left_out_not_counted_as_zero() -> None:
    perfect = _features(spelling_error_rate=0.0)
    unknown = _features(spelling_error_rate=None)
    weights = FeatureWeights()
    others = 1.0 - weights.spelling
    expected = (quality_score(perfect) - weights.spelling) / others

    assert quality_score(unknown) == pytest.approx(expected)


@pytest.mark.parametrize("with_spelling", [True, False])
async def test_the_judge_orders_the_five_samples_from_best_to_worst(with_spelling: bool) -> None:
    judge = HeuristicJudge(default_target_words=350)
    essays = [
        EssayForJudging(f"e{i}", f"s{i}", text, rate if with_spelling else None)
        for i, (text, rate) in enumerate(zip(sample_essays(), SPELLING_ERROR_RATES, strict=True))
    ]

    for better, worse in itertools.combinations(essays, 2):  # better comes first
        forward = await judge.judge(PairContext(better, worse, INSTRUCTIONS, "en"))
        backward = await judge.judge(PairContext(worse, better, INSTRUCTIONS, "en"))
        assert (forward.choice, backward.choice) == (Choice.A, Choice.B), (better, worse)
        assert forward.confidence is not None and 0.5 < forward.confidence <= 1.0


async def test_the_judge_is_deterministic_and_breaks_exact_ties_by_essay_id() -> None:
    judge = HeuristicJudge(default_target_words=350)
    text = sample_essays()[1]
    one, other = EssayForJudging("e1", "s", text), EssayForJudging("e2", "s", text)

    answers = {await judge.judge(PairContext(one, other, INSTRUCTIONS, "en")) for _ in range(3)}
    swapped = await judge.judge(PairContext(other, one, INSTRUCTIONS, "en"))

    assert len(answers) == 1 and answers.pop().choice is Choice.A
    assert swapped.choice is Choice.B
    assert judge.name == "heuristic-writing-features-v1"
