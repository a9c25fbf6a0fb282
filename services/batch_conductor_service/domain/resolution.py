"""Resolution of a requested pipeline against a batch's state: what runs, what is pruned.

A phase is pruned when it is complete for the batch (`BatchState.is_phase_complete`) and none
of its dependencies runs: once a phase must run again, every phase that builds on its output
runs again too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from common_core.status_enums import PhaseName

from .batch_state import BatchState

DependenciesOf = Callable[[PhaseName], Sequence[PhaseName]]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The phases to run, in order, and those skipped because they already completed."""

    final_pipeline: tuple[PhaseName, ...]
    pruned_phases: tuple[PhaseName, ...]


def prune_completed(
    ordered_phases: Sequence[PhaseName],
    dependencies_of: DependenciesOf,
    completed: frozenset[PhaseName],
) -> Resolution:
    """Split dependency-ordered phases into those to run and those pruned (see module doc)."""
    to_run: list[PhaseName] = []
    pruned: list[PhaseName] = []
    for phase in ordered_phases:
        dependency_runs = any(dep in to_run for dep in dependencies_of(phase))
        if phase in completed and not dependency_runs:
            pruned.append(phase)
        else:
            to_run.append(phase)
    return Resolution(final_pipeline=tuple(to_run), pruned_phases=tuple(pruned))


def analysis_summary(
    state: BatchState,
    *,
    requested_pipeline: str,
    required_phases: Sequence[PhaseName],
    state_source: str,
) -> dict[str, Any]:
    """What the resolution was based on, for the caller's logs and the run's record."""
    phases = {phase.value: _phase_summary(state, phase) for phase in required_phases}
    last_run = state.last_pipeline_run
    return {
        "requested_pipeline": requested_pipeline,
        "required_phases": [phase.value for phase in required_phases],
        "known_essay_count": len(state.essay_ids),
        "phases": phases,
        "last_pipeline_run": last_run.model_dump(mode="json") if last_run else None,
        "state_version": state.version,
        "state_source": state_source,
    }


def _phase_summary(state: BatchState, phase: PhaseName) -> dict[str, Any]:
    progress = state.progress(phase)
    return {
        "complete": state.is_phase_complete(phase),
        "completed_essays": len(progress.completed_essay_ids),
        "successful_essays": progress.successful_essays,
        "failed_essays": progress.failed_essays,
        "last_outcome": progress.last_outcome.value if progress.last_outcome else None,
        "last_failure_reason": progress.last_failure_reason,
    }
