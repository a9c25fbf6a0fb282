"""A weighted edit distance: how plausible it is that a writer typed `typed` for `intended`.

Plain edit distance treats "wich" → "with" and "wich" → "which" alike; writers, though, far more
often drop or double a letter, swap two neighbours or miss a diacritic than hit an unrelated
letter. The weights below encode that, so the corrector can prefer the likelier intention.
"""

from __future__ import annotations

from functools import lru_cache

DIACRITIC_SUBSTITUTION = 0.3
DOUBLED_LETTER = 0.35
APOSTROPHE = 0.3
SILENT_LETTER = 0.6
TRANSPOSITION = 0.6
SIMILAR_SOUND = 0.7
VOWEL_FOR_VOWEL = 0.75
INSERT_OR_DELETE = 0.9
SUBSTITUTION = 1.0
FIRST_LETTER_PENALTY = 0.5

_DIACRITIC_GROUPS = ("aåäà", "oöó", "eéè", "uü")
_SOUND_GROUPS = ("ck", "kg", "sz", "sc", "vwf", "jg", "dt", "bp", "ij", "iy", "mn")
_VOWELS = frozenset("aeiouyåäöéè")
_SILENT = frozenset("hej")


def _in_same_group(a: str, b: str, groups: tuple[str, ...]) -> bool:
    return any(a in group and b in group for group in groups)


def substitution_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if _in_same_group(a, b, _DIACRITIC_GROUPS):
        return DIACRITIC_SUBSTITUTION
    if a in _VOWELS and b in _VOWELS:
        return VOWEL_FOR_VOWEL
    if _in_same_group(a, b, _SOUND_GROUPS):
        return SIMILAR_SOUND
    return SUBSTITUTION


def _indel_cost(word: str, index: int) -> float:
    """Cost of inserting/deleting `word[index]` (the letter missing from the other word)."""
    char = word[index]
    if char in "'\u2019":
        return APOSTROPHE
    neighbours = word[index - 1 : index] + word[index + 1 : index + 2]
    if char in neighbours or (char == "c" and word[index + 1 : index + 2] == "k"):
        return DOUBLED_LETTER
    if char in _SILENT:
        return SILENT_LETTER
    return INSERT_OR_DELETE


@lru_cache(maxsize=65536)
def edit_cost(typed: str, intended: str) -> float:
    """Weighted optimal-string-alignment distance from `intended` to `typed`."""
    rows, cols = len(typed) + 1, len(intended) + 1
    table = [[0.0] * cols for _ in range(rows)]
    for i in range(1, rows):
        table[i][0] = table[i - 1][0] + _indel_cost(typed, i - 1)
    for j in range(1, cols):
        table[0][j] = table[0][j - 1] + _indel_cost(intended, j - 1)
    for i in range(1, rows):
        for j in range(1, cols):
            best = min(
                table[i - 1][j] + _indel_cost(typed, i - 1),
                table[i][j - 1] + _indel_cost(intended, j - 1),
                table[i - 1][j - 1] + substitution_cost(typed[i - 1], intended[j - 1]),
            )
            if (
                i > 1
                and j > 1
                and typed[i - 1] == intended[j - 2]
                and typed[i - 2] == intended[j - 1]
            ):
                best = min(best, table[i - 2][j - 2] + TRANSPOSITION)
            table[i][j] = best
    cost = table[-1][-1]
    if typed[:1] != intended[:1] and substitution_cost(typed[:1], intended[:1]) > 0.5:
        cost += FIRST_LETTER_PENALTY
    return cost
