"""Comparison pairs for comparative judgement: balanced, no self-pairs, reproducible.

Every essay takes part in at least ``comparisons_per_essay`` comparisons and at most one more
(only when ``essays x comparisons`` is odd). Partners are chosen greedily: the essay with the
fewest comparisons so far meets, among the essays that still need comparisons, the one it has
met least often, so that repeats only happen once every partner has been met. Each essay is
shown first (position A) about as often as second, which evens out a judge's position bias.
All ties are broken by a ``random.Random(seed)``: the same seed and essays give the same pairs.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pair:
    """One planned comparison: ``essay_a`` is shown first."""

    essay_a: str
    essay_b: str


def pairing_seed(base_seed: int, *parts: str) -> int:
    """A 64-bit seed derived from a configured seed and identifying strings (batch, run)."""
    material = "\x1f".join([str(base_seed), *parts]).encode()
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big")


def planned_comparison_count(essay_count: int, comparisons_per_essay: int) -> int:
    """How many comparisons `generate_pairs` plans: each takes two essay slots."""
    return -(-essay_count * comparisons_per_essay // 2)


def generate_pairs(
    essay_ids: Sequence[str], comparisons_per_essay: int, *, seed: int
) -> list[Pair]:
    """The comparisons to judge for `essay_ids` (order of the input does not matter)."""
    ids = sorted(essay_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("essay ids must be unique")
    if len(ids) < 2:
        raise ValueError("at least two essays are needed to compare")
    if comparisons_per_essay < 1:
        raise ValueError("comparisons_per_essay must be at least 1")
    return _Planner(ids, comparisons_per_essay, random.Random(seed)).plan()


class _Planner:
    def __init__(self, ids: list[str], target: int, rng: random.Random) -> None:
        self._ids = ids
        self._target = target
        self._rng = rng
        self._counts: Counter[str] = Counter()
        self._first_minus_second: Counter[str] = Counter()
        self._met: Counter[tuple[str, str]] = Counter()

    def plan(self) -> list[Pair]:
        pairs: list[Pair] = []
        while needy := [e for e in self._ids if self._counts[e] < self._target]:
            first = min(needy, key=lambda e: (self._counts[e], self._rng.random()))
            partner = min(
                (e for e in self._ids if e != first),
                key=lambda e: (
                    self._counts[e] >= self._target,
                    self._met[_key(first, e)],
                    self._counts[e],
                    self._rng.random(),
                ),
            )
            pairs.append(self._record(first, partner))
        return pairs

    def _record(self, one: str, other: str) -> Pair:
        self._counts.update((one, other))
        self._met[_key(one, other)] += 1
        a, b = self._orient(one, other)
        self._first_minus_second[a] += 1
        self._first_minus_second[b] -= 1
        return Pair(essay_a=a, essay_b=b)

    def _orient(self, one: str, other: str) -> tuple[str, str]:
        lead_one, lead_other = self._first_minus_second[one], self._first_minus_second[other]
        if lead_one == lead_other:
            return (one, other) if self._rng.random() < 0.5 else (other, one)
        return (one, other) if lead_one < lead_other else (other, one)


def _key(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)
