"""Dependency graphs of phases: cycle detection and dependency-ordered closures.

A graph maps each phase to the phases it depends on. Its key order is the declaration order,
used to break ties so that the same configuration always yields the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Graph = Mapping[str, Sequence[str]]


def find_cycle(graph: Graph) -> list[str] | None:
    """A dependency cycle as a path (`[a, b, a]`), or None when the graph is acyclic.

    Dependencies missing from the graph are ignored here (the loader reports them first).
    """
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in done:
            return None
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        visiting.append(node)
        for dependency in graph.get(node, ()):
            if dependency in graph and (cycle := visit(dependency)) is not None:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in graph:
        if (cycle := visit(node)) is not None:
            return cycle
    return None


def dependency_closure(graph: Graph, targets: Iterable[str]) -> set[str]:
    """The targets and everything they depend on, transitively."""
    closure: set[str] = set()
    pending = list(targets)
    while pending:
        node = pending.pop()
        if node not in closure:
            closure.add(node)
            pending.extend(graph[node])
    return closure


def ordered_closure(graph: Graph, targets: Iterable[str]) -> list[str]:
    """The dependency closure of `targets`, each phase after its dependencies (Kahn's
    algorithm, ties broken by declaration order). The graph must be acyclic."""
    included = dependency_closure(graph, targets)
    declared = [node for node in graph if node in included]
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(declared):
        ready = next(
            node
            for node in declared
            if node not in placed and all(dep in placed for dep in graph[node])
        )
        ordered.append(ready)
        placed.add(ready)
    return ordered
