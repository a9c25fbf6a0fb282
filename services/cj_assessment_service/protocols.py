"""Ports of the CJ service: the judge of a pair and the source of essay texts."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from services.cj_assessment_service.domain.judging import Judgement, PairContext


class Judge(Protocol):
    """Decides which of two essays is better.

    Raises `JudgeError` (domain.judging) when it cannot answer; the assessment then fails with
    the error's reason. Other exceptions are treated as transient infrastructure failures.
    """

    @property
    def name(self) -> str:
        """Recorded with every comparison and in CJAssessmentCompletedV1."""
        ...

    async def judge(self, pair: PairContext) -> Judgement: ...


class TextSource(Protocol):
    """Where essay texts come from (the Content Service client in production)."""

    async def fetch_text(
        self, storage_id: str, *, correlation_id: UUID | str | None = None
    ) -> str: ...
