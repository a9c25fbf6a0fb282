"""The state of one CJ assessment as the service works through it (plain data, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.cj_assessment_service.domain.pairing import Pair


class AssessmentStatus(StrEnum):
    JUDGING = "judging"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EssayRef:
    essay_id: str
    text_storage_id: str
    spelling_error_rate: float | None = None


@dataclass(frozen=True, slots=True)
class NewAssessment:
    """What a request asks for, before anything is stored."""

    batch_id: str
    pipeline_run_id: str
    language: str
    essay_instructions: str
    essays: tuple[EssayRef, ...]
    request_event_id: str
    correlation_id: str
    pairing_seed: int
    comparisons_per_essay: int


@dataclass(frozen=True, slots=True)
class StoredComparison:
    position: int
    essay_a_id: str
    essay_b_id: str
    winner_id: str | None = None

    @property
    def judged(self) -> bool:
        return self.winner_id is not None

    def outcome(self) -> tuple[str, str]:
        """(winner, loser) of a judged comparison."""
        if self.winner_id is None:
            raise ValueError(f"comparison {self.position} is not judged yet")
        loser = self.essay_b_id if self.winner_id == self.essay_a_id else self.essay_a_id
        return self.winner_id, loser


@dataclass(frozen=True, slots=True)
class JudgedComparison:
    position: int
    winner_id: str
    confidence: float | None
    judge: str


@dataclass(frozen=True, slots=True)
class AssessmentState:
    assessment_id: int
    batch_id: str
    pipeline_run_id: str
    status: AssessmentStatus
    language: str
    essay_instructions: str
    correlation_id: str
    essays: tuple[EssayRef, ...]
    comparisons: tuple[StoredComparison, ...]
    attempts: int

    @property
    def pending(self) -> list[StoredComparison]:
        return [c for c in self.comparisons if not c.judged]

    @property
    def judged_count(self) -> int:
        return sum(c.judged for c in self.comparisons)


def unique_essays(essays: Sequence[EssayRef]) -> tuple[EssayRef, ...]:
    """The essays with repeated ids dropped (the first occurrence is kept)."""
    seen: dict[str, EssayRef] = {}
    for essay in essays:
        seen.setdefault(essay.essay_id, essay)
    return tuple(seen.values())


def planned_comparisons(pairs: Sequence[Pair]) -> tuple[StoredComparison, ...]:
    return tuple(
        StoredComparison(position=i, essay_a_id=p.essay_a, essay_b_id=p.essay_b)
        for i, p in enumerate(pairs)
    )
