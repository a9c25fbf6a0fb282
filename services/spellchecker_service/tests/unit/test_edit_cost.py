from __future__ import annotations

from services.spellchecker_service.spelling.edit_cost import (
    DIACRITIC_SUBSTITUTION,
    SUBSTITUTION,
    TRANSPOSITION,
    edit_cost,
)


def test_identical_words_cost_nothing() -> None:
    assert edit_cost("house", "house") == 0.0


def test_a_missing_diacritic_is_cheap() -> None:
    assert edit_cost("ocksa", "också") == DIACRITIC_SUBSTITUTION


def test_swapped_neighbours_cost_one_transposition() -> None:
    assert edit_cost("recieve", "receive") == TRANSPOSITION


def test_a_doubled_letter_is_cheaper_than_an_unrelated_one() -> None:
    assert edit_cost("untill", "until") < edit_cost("untilk", "until")


def test_a_dropped_h_is_likelier_than_an_unrelated_substitution() -> None:
    assert edit_cost("wich", "which") < edit_cost("wich", "with")


def test_a_different_first_letter_costs_extra() -> None:
    assert edit_cost("bat", "cat") > SUBSTITUTION
    assert edit_cost("cab", "cat") == SUBSTITUTION
