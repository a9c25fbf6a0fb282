"""Cycle detection and dependency-ordered closures of phase graphs."""

from __future__ import annotations

from services.batch_conductor_service.domain.phase_graph import (
    dependency_closure,
    find_cycle,
    ordered_closure,
)

DIAMOND = {"a": (), "b": ("a",), "c": ("a",), "d": ("c", "b")}


def test_acyclic_graph_has_no_cycle() -> None:
    assert find_cycle(DIAMOND) is None


def test_finds_a_longer_cycle_as_a_closed_path() -> None:
    graph = {"a": ("c",), "b": ("a",), "c": ("b",), "x": ()}

    cycle = find_cycle(graph)

    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


def test_closure_is_transitive_and_leaves_out_unrelated_phases() -> None:
    assert dependency_closure(DIAMOND, ["b"]) == {"a", "b"}
    assert dependency_closure(DIAMOND, ["d"]) == {"a", "b", "c", "d"}


def test_order_puts_dependencies_first_and_breaks_ties_by_declaration() -> None:
    assert ordered_closure(DIAMOND, ["d"]) == ["a", "b", "c", "d"]
    assert ordered_closure({"z": ("y",), "y": (), "x": ()}, ["z", "x"]) == ["y", "z", "x"]
