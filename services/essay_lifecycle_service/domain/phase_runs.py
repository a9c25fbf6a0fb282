"""What a phase run is made of, and the pure decisions about it: which results count, when the
run is settled and what its outcome says.

A phase run is one phase of one pipeline run of a batch. Each of its essays gets exactly one
outcome — from a result, from a result that covers the whole run, or from the phase timeout —
and the run's outcome is announced once every essay has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus


class RunStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class RunKey:
    """The identity of a phase run (unique: a repeated command finds the run it made)."""

    batch_id: str
    pipeline_run_id: str
    phase: PhaseName


@dataclass(frozen=True, slots=True)
class EssayOutcome:
    """What a phase did for one essay. `output_text_storage_id` is the text the next phase
    should read (None: the phase did not change the text). `details` are the phase's figures
    (correction count, rank, ...)."""

    essay_id: str
    succeeded: bool
    output_text_storage_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def status(self) -> OutcomeStatus:
        return OutcomeStatus.SUCCESS if self.succeeded else OutcomeStatus.FAILED


@dataclass(frozen=True, slots=True)
class RunEssay:
    """One essay of a phase run as stored: its input text and its outcome once known."""

    essay_id: str
    input_text_storage_id: str
    outcome: OutcomeStatus | None = None
    output_text_storage_id: str | None = None

    @property
    def settled(self) -> bool:
        return self.outcome is not None


class SkipReason(StrEnum):
    """Why a result for an essay is not recorded (it is logged and skipped)."""

    UNKNOWN_RUN = "unknown_run"
    RUN_COMPLETED = "run_completed"
    UNKNOWN_ESSAY = "essay_not_in_run"
    ALREADY_RECORDED = "already_recorded"
    REPEATED_IN_RESULT = "repeated_in_result"


@dataclass(frozen=True, slots=True)
class SortedOutcomes:
    accepted: tuple[EssayOutcome, ...]
    skipped: tuple[tuple[str, SkipReason], ...]


def sort_outcomes(
    essays: Sequence[RunEssay],
    outcomes: Iterable[EssayOutcome],
    *,
    rest_failed_with: str | None = None,
) -> SortedOutcomes:
    """Keep the first outcome of each essay of the run that has none yet. With
    `rest_failed_with` the result covers the whole run: every other unsettled essay fails."""
    by_id = {essay.essay_id: essay for essay in essays}
    accepted: dict[str, EssayOutcome] = {}
    skipped: list[tuple[str, SkipReason]] = []
    for outcome in outcomes:
        essay = by_id.get(outcome.essay_id)
        reason = _skip_reason(essay, outcome.essay_id in accepted)
        if reason is None:
            accepted[outcome.essay_id] = outcome
        else:
            skipped.append((outcome.essay_id, reason))
    if rest_failed_with is not None:
        for essay in essays:
            if not essay.settled and essay.essay_id not in accepted:
                accepted[essay.essay_id] = EssayOutcome(
                    essay.essay_id, False, error=rest_failed_with
                )
    return SortedOutcomes(tuple(accepted.values()), tuple(skipped))


def _skip_reason(essay: RunEssay | None, repeated: bool) -> SkipReason | None:
    if essay is None:
        return SkipReason.UNKNOWN_ESSAY
    if repeated:
        return SkipReason.REPEATED_IN_RESULT
    if essay.settled:
        return SkipReason.ALREADY_RECORDED
    return None


def unsettled_failures(essays: Sequence[RunEssay], error: str) -> list[EssayOutcome]:
    """A failed outcome for every essay still waiting (the phase timed out)."""
    return [EssayOutcome(e.essay_id, False, error=error) for e in essays if not e.settled]


def phase_status(successful: int, failed: int) -> PipelineExecutionStatus:
    """All succeeded -> completed_successfully; none -> failed; else partial success."""
    if failed == 0 and successful > 0:
        return PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
    if successful == 0:
        return PipelineExecutionStatus.FAILED
    return PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS


@dataclass(frozen=True, slots=True)
class PhaseOutcomeSummary:
    """The outcome of a settled run; `processed` pairs each successful essay with the text the
    next phase should read."""

    status: PipelineExecutionStatus
    processed: tuple[tuple[str, str], ...]
    failed_essay_ids: tuple[str, ...]


def summarise_run(essays: Sequence[RunEssay]) -> PhaseOutcomeSummary | None:
    """The run's outcome, in essay order; None while some essay has no outcome."""
    if not all(essay.settled for essay in essays):
        return None
    processed = tuple(
        (essay.essay_id, essay.output_text_storage_id or essay.input_text_storage_id)
        for essay in essays
        if essay.outcome is OutcomeStatus.SUCCESS
    )
    failed = tuple(e.essay_id for e in essays if e.outcome is OutcomeStatus.FAILED)
    return PhaseOutcomeSummary(phase_status(len(processed), len(failed)), processed, failed)


def spelling_error_rate(correction_count: int, word_count: int | None) -> float | None:
    """Corrections per word; None when the word count is unknown."""
    if word_count is None:
        return None
    return correction_count / max(1, word_count)
