"""Bradley-Terry fitting: recovers a known order from noisy judgements, stays finite."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from services.cj_assessment_service.domain.bradley_terry import (
    fit_bradley_terry,
    rank_essays,
    spearman_correlation,
)
from services.cj_assessment_service.domain.pairing import generate_pairs


def _simulated_outcomes(
    abilities: dict[str, float], comparisons_per_essay: int, seed: int
) -> list[tuple[str, str]]:
    """Outcomes drawn from the Bradley-Terry model itself: noisy, upsets included."""
    rng = random.Random(seed)
    outcomes = []
    for pair in generate_pairs(list(abilities), comparisons_per_essay, seed=seed):
        a, b = pair.essay_a, pair.essay_b
        p_a = 1.0 / (1.0 + math.exp(abilities[b] - abilities[a]))
        outcomes.append((a, b) if rng.random() < p_a else (b, a))
    return outcomes


def test_noisy_judgements_of_twenty_essays_recover_the_true_order() -> None:
    ids = [f"essay-{i:02d}" for i in range(20)]
    # Neighbours are 0.42 apart: the better of two neighbours wins only 60 % of the time.
    true_ability = dict(zip(ids, np.linspace(-4.0, 4.0, 20), strict=True))
    outcomes = _simulated_outcomes(true_ability, comparisons_per_essay=16, seed=2024)
    upsets = sum(true_ability[winner] < true_ability[loser] for winner, loser in outcomes)

    fit = fit_bradley_terry(ids, outcomes)

    assert upsets >= 0.08 * len(outcomes)  # the judgements really are noisy
    assert fit.converged
    rho = spearman_correlation([true_ability[e] for e in ids], list(fit.scores))
    assert rho >= 0.9, rho


def test_an_undefeated_essay_gets_a_finite_top_score() -> None:
    outcomes = [("a", "b"), ("a", "c"), ("b", "c"), ("a", "b"), ("b", "c"), ("a", "c")]

    fit = fit_bradley_terry(["a", "b", "c"], outcomes)

    assert fit.converged and all(math.isfinite(s) for s in fit.scores)
    assert fit.score_of("a") > fit.score_of("b") > fit.score_of("c")
    assert abs(sum(fit.scores)) < 1e-6  # centred by the prior
    assert fit.wins == (4, 2, 0) and fit.comparisons == (4, 4, 4)


def test_scores_match_the_closed_form_for_two_essays() -> None:
    # Two essays, 3-1: maximise 3*log(s(d)) + log(s(-d)) - lam/2*(t1^2 + t2^2), d = t1 - t2.
    fit = fit_bradley_terry(["a", "b"], [("a", "b")] * 3 + [("b", "a")], prior_strength=1e-6)

    assert fit.score_of("a") - fit.score_of("b") == pytest.approx(math.log(3), abs=1e-4)


def test_essays_never_compared_share_the_prior_mean() -> None:
    fit = fit_bradley_terry(["a", "b", "c"], [("a", "b")])

    assert fit.score_of("c") == pytest.approx(0.0, abs=1e-9)


def test_ranks_are_one_to_n_best_first_and_ties_broken_by_wins_then_id() -> None:
    outcomes = [("b", "a"), ("a", "b"), ("c", "d"), ("c", "a"), ("c", "b"), ("a", "d")]
    outcomes.append(("b", "d"))
    ranking = rank_essays(fit_bradley_terry(["a", "b", "c", "d"], outcomes))

    assert [r.rank for r in ranking] == [1, 2, 3, 4]
    assert ranking[0].essay_id == "c" and ranking[-1].essay_id == "d"
    assert [r.essay_id for r in ranking[1:3]] == ["a", "b"]  # equal scores and wins: by id
    assert [r.score for r in ranking] == sorted((r.score for r in ranking), reverse=True)


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError):
        fit_bradley_terry(["a", "a"], [])
    with pytest.raises(ValueError):
        fit_bradley_terry(["a", "b"], [("a", "a")])
    with pytest.raises(KeyError):
        fit_bradley_terry(["a", "b"], [("a", "z")])
    with pytest.raises(ValueError):
        fit_bradley_terry(["a", "b"], [], prior_strength=0)


def test_spearman_of_known_rankings() -> None:
    assert spearman_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # d = (0, 0, 1, -1): 1 - 6 * 2 / (4 * 15) = 0.8
    assert spearman_correlation([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(0.8)
    assert spearman_correlation([1, 1, 2], [1, 2, 3]) == pytest.approx(math.sqrt(3) / 2)
