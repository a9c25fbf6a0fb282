"""Bradley-Terry scores from pairwise outcomes, and ranks from scores.

The model: essay i beats essay j with probability ``sigmoid(theta_i - theta_j)``. We maximise
the log-likelihood of the observed outcomes plus a Gaussian prior ``-prior_strength/2 *
|theta|^2`` (a small ridge). Without the prior an essay that won (or lost) every comparison
has no finite maximum-likelihood score; with it the objective is strictly concave, so Newton's
method with step halving converges to the unique maximum in a handful of iterations, and the
scores come out centred on zero (the gradient condition makes them sum to zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DEFAULT_PRIOR_STRENGTH = 0.1
_MAX_HALVINGS = 40
_SCORE_DECIMALS = 9


@dataclass(frozen=True, slots=True)
class BradleyTerryFit:
    """Fitted ability per essay (log-odds scale, centred on zero)."""

    essay_ids: tuple[str, ...]
    scores: tuple[float, ...]
    wins: tuple[int, ...]
    comparisons: tuple[int, ...]
    iterations: int
    converged: bool

    def score_of(self, essay_id: str) -> float:
        return self.scores[self.essay_ids.index(essay_id)]


@dataclass(frozen=True, slots=True)
class RankedEssay:
    essay_id: str
    rank: int
    score: float
    wins: int
    comparisons: int


def fit_bradley_terry(
    essay_ids: Sequence[str],
    outcomes: Iterable[tuple[str, str]],
    *,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> BradleyTerryFit:
    """Fit scores for `essay_ids` from `(winner_id, loser_id)` outcomes."""
    if prior_strength <= 0:
        raise ValueError("prior_strength must be positive")
    index = {essay_id: i for i, essay_id in enumerate(essay_ids)}
    if len(index) != len(essay_ids):
        raise ValueError("essay ids must be unique")
    won = _win_matrix(index, outcomes)
    theta, iterations, converged = _maximise(won, prior_strength, tolerance, max_iterations)
    met = won + won.T
    return BradleyTerryFit(
        essay_ids=tuple(essay_ids),
        scores=tuple(float(value) for value in theta),
        wins=tuple(int(value) for value in won.sum(axis=1)),
        comparisons=tuple(int(value) for value in met.sum(axis=1)),
        iterations=iterations,
        converged=converged,
    )


def rank_essays(fit: BradleyTerryFit) -> list[RankedEssay]:
    """Ranks 1..n, best first: by score, then wins, then essay id (so ranks are distinct).
    Scores are rounded first, so that scores equal up to numerical noise count as equal."""
    scores = (round(score, _SCORE_DECIMALS) + 0.0 for score in fit.scores)  # + 0.0: no -0.0
    rows = zip(fit.essay_ids, scores, fit.wins, fit.comparisons, strict=True)
    ordered = sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))
    return [
        RankedEssay(essay_id=essay_id, rank=rank, score=score, wins=wins, comparisons=met)
        for rank, (essay_id, score, wins, met) in enumerate(ordered, start=1)
    ]


def spearman_correlation(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (ties get their average rank)."""
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("need two sequences of the same length, at least 2")
    rx, ry = _average_ranks(x), _average_ranks(y)
    if np.std(rx) == 0 or np.std(ry) == 0:
        raise ValueError("a constant sequence has no rank correlation")
    return float(np.corrcoef(rx, ry)[0, 1])


def _win_matrix(index: dict[str, int], outcomes: Iterable[tuple[str, str]]) -> FloatArray:
    won = np.zeros((len(index), len(index)))
    for winner, loser in outcomes:
        if winner == loser:
            raise ValueError(f"an essay cannot beat itself: {winner!r}")
        won[index[winner], index[loser]] += 1
    return won


def _maximise(
    won: FloatArray, prior: float, tolerance: float, max_iterations: int
) -> tuple[FloatArray, int, bool]:
    theta = np.zeros(won.shape[0])
    current = _objective(theta, won, prior)
    for iteration in range(1, max_iterations + 1):
        step = _newton_step(theta, won, prior)
        size = 1.0
        for _ in range(_MAX_HALVINGS):
            candidate = theta + size * step
            value = _objective(candidate, won, prior)
            if value >= current:
                break
            size /= 2
        else:
            return theta, iteration, True  # no ascent left at machine precision
        theta, current = candidate, value
        if float(np.max(np.abs(size * step), initial=0.0)) < tolerance:
            return theta, iteration, True
    return theta, max_iterations, False


def _win_probabilities(theta: FloatArray) -> FloatArray:
    """P[i, j] = sigmoid(theta_i - theta_j), computed without overflow."""
    diff = theta[:, None] - theta[None, :]
    probabilities: FloatArray = 0.5 * (1.0 + np.tanh(diff / 2.0))
    return probabilities


def _objective(theta: FloatArray, won: FloatArray, prior: float) -> float:
    diff = theta[:, None] - theta[None, :]
    log_likelihood = -np.sum(won * np.logaddexp(0.0, -diff))
    return float(log_likelihood - 0.5 * prior * float(theta @ theta))


def _newton_step(theta: FloatArray, won: FloatArray, prior: float) -> FloatArray:
    met = won + won.T
    p = _win_probabilities(theta)
    gradient = won.sum(axis=1) - (met * p).sum(axis=1) - prior * theta
    curvature = met * p * p.T
    # Negative Hessian: a graph Laplacian of the comparisons plus the prior, positive definite.
    information = np.diag(curvature.sum(axis=1)) - curvature + prior * np.eye(len(theta))
    step: FloatArray = np.linalg.solve(information, gradient)
    return step


def _average_ranks(values: Sequence[float]) -> FloatArray:
    array = np.asarray(values, dtype=float)
    order = np.argsort(array, kind="stable")
    ranks = np.empty(len(array))
    ranks[order] = np.arange(1, len(array) + 1, dtype=float)
    for value in np.unique(array):
        tied = array == value
        ranks[tied] = ranks[tied].mean()
    return ranks
