"""The essay state machine: which EssayStatus may follow which, for intake and every phase.

Intake is fixed: a slot waits for content, then fails (its file was unusable) or becomes ready
for processing once its whole batch is complete. Processing phases all share one shape —
awaiting -> in progress -> success | failed — so a phase is described by its four statuses
(`PhaseStates`) and its transitions are generated; adding a phase means adding one
`PhaseStates` to `PHASES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from common_core.status_enums import EssayStatus, PhaseName

_S = EssayStatus


@dataclass(frozen=True, slots=True)
class PhaseStates:
    """The four statuses an essay passes through in one processing phase."""

    phase: PhaseName
    awaiting: EssayStatus
    in_progress: EssayStatus
    success: EssayStatus
    failed: EssayStatus


SPELLCHECK = PhaseStates(
    PhaseName.SPELLCHECK,
    awaiting=_S.AWAITING_SPELLCHECK,
    in_progress=_S.SPELLCHECKING_IN_PROGRESS,
    success=_S.SPELLCHECKED_SUCCESS,
    failed=_S.SPELLCHECK_FAILED,
)
CJ_ASSESSMENT = PhaseStates(
    PhaseName.CJ_ASSESSMENT,
    awaiting=_S.AWAITING_CJ_ASSESSMENT,
    in_progress=_S.CJ_ASSESSMENT_IN_PROGRESS,
    success=_S.CJ_ASSESSMENT_SUCCESS,
    failed=_S.CJ_ASSESSMENT_FAILED,
)
PHASES: Mapping[PhaseName, PhaseStates] = MappingProxyType(
    {states.phase: states for states in (SPELLCHECK, CJ_ASSESSMENT)}
)

PHASE_SUCCESS_STATUSES = frozenset(p.success for p in PHASES.values())
TERMINAL_STATUSES = frozenset({_S.CONTENT_FAILED, _S.ESSAY_CRITICAL_FAILURE})


class Verdict(StrEnum):
    """What the validator says about a requested transition."""

    ALLOWED = "allowed"
    STALE = "stale"  # the essay is already in the target status (a repeated event)
    INVALID = "invalid"


def _intake_transitions() -> dict[EssayStatus, set[EssayStatus]]:
    return {
        _S.AWAITING_CONTENT: {_S.CONTENT_FAILED, _S.READY_FOR_PROCESSING},
        _S.READY_FOR_PROCESSING: set(),
        _S.CONTENT_FAILED: set(),
        _S.ALL_PROCESSING_COMPLETED: set(),
        _S.ESSAY_CRITICAL_FAILURE: set(),
    }


def phase_entry_statuses(phases: Iterable[PhaseStates]) -> frozenset[EssayStatus]:
    """Statuses from which an essay may enter any of `phases`: the settled ones — ready, done,
    or through a phase, successfully or not (a new pipeline run may retry a phase).

    Which essays a phase gets is BOS's decision (within a run only the successes move on);
    the graph keeps an essay in one phase at a time and unusable content out.
    """
    settled = {_S.READY_FOR_PROCESSING, _S.ALL_PROCESSING_COMPLETED}
    for phase in phases:
        settled.update({phase.success, phase.failed})
    return frozenset(settled)


def _add_phase(
    graph: dict[EssayStatus, set[EssayStatus]], phase: PhaseStates, entry: frozenset[EssayStatus]
) -> None:
    for status in entry:
        graph.setdefault(status, set()).add(phase.awaiting)
    graph.setdefault(phase.awaiting, set()).update({phase.in_progress, phase.failed})
    graph.setdefault(phase.in_progress, set()).update({phase.success, phase.failed})
    graph.setdefault(phase.success, set()).add(_S.ALL_PROCESSING_COMPLETED)


def build_transition_graph(
    phases: Iterable[PhaseStates],
) -> Mapping[EssayStatus, frozenset[EssayStatus]]:
    """Every allowed `from -> {to}` of intake plus the given phases."""
    phases = list(phases)
    entry = phase_entry_statuses(phases)
    graph = _intake_transitions()
    for phase in phases:
        _add_phase(graph, phase, entry)
    graph[_S.READY_FOR_PROCESSING].add(_S.ALL_PROCESSING_COMPLETED)
    for status, targets in graph.items():
        if status not in TERMINAL_STATUSES:
            targets.add(_S.ESSAY_CRITICAL_FAILURE)
    return MappingProxyType({status: frozenset(targets) for status, targets in graph.items()})


class TransitionValidator:
    """Judges a requested transition against the state graph."""

    def __init__(self, graph: Mapping[EssayStatus, frozenset[EssayStatus]] | None = None) -> None:
        self._graph = graph if graph is not None else build_transition_graph(PHASES.values())

    def verdict(self, current: EssayStatus, target: EssayStatus) -> Verdict:
        if current == target:
            return Verdict.STALE
        if target in self._graph.get(current, frozenset()):
            return Verdict.ALLOWED
        return Verdict.INVALID

    def allowed_targets(self, current: EssayStatus) -> frozenset[EssayStatus]:
        return self._graph.get(current, frozenset())
