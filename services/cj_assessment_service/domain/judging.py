"""What a judge is asked and what it answers (the Judge protocol is in `protocols.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Choice(StrEnum):
    """Which of the two essays shown is better."""

    A = "A"
    B = "B"


@dataclass(frozen=True, slots=True)
class EssayForJudging:
    essay_id: str
    text_storage_id: str
    text: str
    spelling_error_rate: float | None = None


@dataclass(frozen=True, slots=True)
class PairContext:
    """One comparison: essay A is shown first."""

    essay_a: EssayForJudging
    essay_b: EssayForJudging
    essay_instructions: str
    language: str


@dataclass(frozen=True, slots=True)
class Judgement:
    choice: Choice
    confidence: float | None = None

    def winner_id(self, pair: PairContext) -> str:
        return pair.essay_a.essay_id if self.choice is Choice.A else pair.essay_b.essay_id


class FailureReason(StrEnum):
    """`reason` of CJAssessmentFailedV1."""

    TOO_FEW_ESSAYS = "too_few_essays"
    CONTENT_NOT_FOUND = "content_not_found"
    JUDGE_UNAVAILABLE = "judge_unavailable"
    JUDGE_INVALID_ANSWER = "judge_invalid_answer"
    ASSESSMENT_TIMEOUT = "assessment_timeout"


class JudgeError(Exception):
    """A judge gave up on a comparison; the assessment fails with `reason`."""

    reason: FailureReason = FailureReason.JUDGE_UNAVAILABLE


class JudgeUnavailableError(JudgeError):
    """The judge could not be reached or kept failing after its retries."""


class JudgeInvalidAnswerError(JudgeError):
    """The judge answered, but never with a recognisable choice."""

    reason = FailureReason.JUDGE_INVALID_ANSWER
