"""Postgres storage of assessments, their essays and comparisons (inside the caller's session)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.cj_assessment_service.domain.assessment import (
    AssessmentState,
    AssessmentStatus,
    EssayRef,
    JudgedComparison,
    NewAssessment,
    StoredComparison,
)
from services.cj_assessment_service.domain.bradley_terry import RankedEssay
from services.cj_assessment_service.models_db import (
    AssessedEssayRow,
    AssessmentRow,
    Base,
    ComparisonRow,
)


def _table(model: type[Base]) -> sa.Table:
    return cast(sa.Table, model.__table__)


class AssessmentRepository:
    """One assessment per (batch_id, pipeline_run_id), enforced by a unique constraint."""

    async def open(
        self,
        session: AsyncSession,
        request: NewAssessment,
        comparisons: Sequence[StoredComparison],
    ) -> AssessmentState:
        """The existing assessment of the request's (batch, run), or a new one with its essays
        and planned comparisons. Locks the assessment row until the transaction ends."""
        assessment_id = await self._insert(session, request)
        if assessment_id is None:
            existing = await self._locked_id(session, request.batch_id, request.pipeline_run_id)
            await session.execute(
                sa.update(AssessmentRow)
                .where(AssessmentRow.id == existing)
                .values(attempts=AssessmentRow.attempts + 1, updated_at=sa.func.now())
            )
            return await self.load(session, existing)
        await self._insert_children(session, assessment_id, request.essays, comparisons)
        return await self.load(session, assessment_id)

    async def load(self, session: AsyncSession, assessment_id: int) -> AssessmentState:
        row = await session.get_one(AssessmentRow, assessment_id, populate_existing=True)
        essays = await session.scalars(
            sa.select(AssessedEssayRow)
            .where(AssessedEssayRow.assessment_id == assessment_id)
            .order_by(AssessedEssayRow.essay_id)
        )
        comparisons = await session.scalars(
            sa.select(ComparisonRow)
            .where(ComparisonRow.assessment_id == assessment_id)
            .order_by(ComparisonRow.position)
        )
        return AssessmentState(
            assessment_id=row.id,
            batch_id=row.batch_id,
            pipeline_run_id=row.pipeline_run_id,
            status=AssessmentStatus(row.status),
            language=row.language,
            essay_instructions=row.essay_instructions,
            correlation_id=row.correlation_id,
            essays=tuple(
                EssayRef(e.essay_id, e.text_storage_id, e.spelling_error_rate) for e in essays
            ),
            comparisons=tuple(
                StoredComparison(c.position, c.essay_a_id, c.essay_b_id, c.winner_id)
                for c in comparisons
            ),
            attempts=row.attempts,
        )

    async def lock_status(self, session: AsyncSession, assessment_id: int) -> AssessmentStatus:
        """The status, with the row locked until the transaction ends."""
        statement = (
            sa.select(AssessmentRow.status)
            .where(AssessmentRow.id == assessment_id)
            .with_for_update()
        )
        return AssessmentStatus((await session.execute(statement)).scalar_one())

    async def record_judgements(
        self, session: AsyncSession, assessment_id: int, judged: Sequence[JudgedComparison]
    ) -> None:
        """Store answers; a comparison judged already (by a concurrent attempt) keeps its first
        answer."""
        if not judged:
            return
        table = _table(ComparisonRow)
        statement = (
            sa.update(table)
            .where(
                table.c.assessment_id == assessment_id,
                table.c.position == sa.bindparam("b_position"),
                table.c.winner_id.is_(None),
            )
            .values(
                winner_id=sa.bindparam("b_winner"),
                confidence=sa.bindparam("b_confidence"),
                judge=sa.bindparam("b_judge"),
                judged_at=sa.func.now(),
            )
        )
        rows = [
            {
                "b_position": j.position,
                "b_winner": j.winner_id,
                "b_confidence": j.confidence,
                "b_judge": j.judge,
            }
            for j in judged
        ]
        await (await session.connection()).execute(statement, rows)

    async def complete(
        self,
        session: AsyncSession,
        assessment_id: int,
        ranking: Sequence[RankedEssay],
        judge: str,
    ) -> None:
        table = _table(AssessedEssayRow)
        statement = (
            sa.update(table)
            .where(
                table.c.assessment_id == assessment_id,
                table.c.essay_id == sa.bindparam("b_essay"),
            )
            .values(
                rank=sa.bindparam("b_rank"),
                score=sa.bindparam("b_score"),
                wins=sa.bindparam("b_wins"),
                comparisons=sa.bindparam("b_comparisons"),
            )
        )
        rows = [
            {
                "b_essay": r.essay_id,
                "b_rank": r.rank,
                "b_score": r.score,
                "b_wins": r.wins,
                "b_comparisons": r.comparisons,
            }
            for r in ranking
        ]
        await (await session.connection()).execute(statement, rows)
        await self._finish(session, assessment_id, AssessmentStatus.COMPLETED, judge=judge)

    async def fail(
        self, session: AsyncSession, assessment_id: int, reason: str, message: str
    ) -> None:
        await self._finish(
            session,
            assessment_id,
            AssessmentStatus.FAILED,
            failure_reason=reason,
            failure_message=message,
        )

    async def _finish(
        self,
        session: AsyncSession,
        assessment_id: int,
        status: AssessmentStatus,
        **values: str | None,
    ) -> None:
        await session.execute(
            sa.update(AssessmentRow)
            .where(AssessmentRow.id == assessment_id)
            .values(
                status=status.value,
                updated_at=sa.func.now(),
                finished_at=sa.func.now(),
                **values,
            )
        )

    async def _insert(self, session: AsyncSession, request: NewAssessment) -> int | None:
        statement = (
            insert(AssessmentRow)
            .values(
                batch_id=request.batch_id,
                pipeline_run_id=request.pipeline_run_id,
                status=AssessmentStatus.JUDGING.value,
                language=request.language,
                essay_instructions=request.essay_instructions,
                request_event_id=request.request_event_id,
                correlation_id=request.correlation_id,
                pairing_seed=str(request.pairing_seed),
                comparisons_per_essay=request.comparisons_per_essay,
            )
            .on_conflict_do_nothing(constraint="uq_cj_assessments_batch_run")
            .returning(AssessmentRow.id)
        )
        return (await session.execute(statement)).scalar_one_or_none()

    async def _locked_id(self, session: AsyncSession, batch_id: str, run_id: str) -> int:
        statement = (
            sa.select(AssessmentRow.id)
            .where(AssessmentRow.batch_id == batch_id, AssessmentRow.pipeline_run_id == run_id)
            .with_for_update()
        )
        return (await session.execute(statement)).scalar_one()

    async def _insert_children(
        self,
        session: AsyncSession,
        assessment_id: int,
        essays: Sequence[EssayRef],
        comparisons: Sequence[StoredComparison],
    ) -> None:
        await session.execute(
            insert(AssessedEssayRow),
            [
                {
                    "assessment_id": assessment_id,
                    "essay_id": e.essay_id,
                    "text_storage_id": e.text_storage_id,
                    "spelling_error_rate": e.spelling_error_rate,
                }
                for e in essays
            ],
        )
        if comparisons:
            await session.execute(
                insert(ComparisonRow),
                [
                    {
                        "assessment_id": assessment_id,
                        "position": c.position,
                        "essay_a_id": c.essay_a_id,
                        "essay_b_id": c.essay_b_id,
                    }
                    for c in comparisons
                ],
            )
