"""Read-only queries behind the ELS status API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.essay_lifecycle_service.models_db import (
    BatchTracker,
    Essay,
    EssayTransition,
    ExcessFile,
    PhaseEssay,
    PhaseRun,
)


@dataclass(frozen=True, slots=True)
class TransitionView:
    from_status: str | None
    to_status: str
    cause: str
    event_id: str | None
    details: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class PhaseResultView:
    """An essay's part in one phase run: its input text and, once known, the outcome with the
    phase's figures (spellcheck: correction_count, word_count, spelling_error_rate; CJ: rank,
    score, comparison_count, judge)."""

    phase: str
    pipeline_run_id: str
    started_at: datetime
    input_text_storage_id: str
    outcome: str | None
    output_text_storage_id: str | None
    details: dict[str, Any]
    error: str | None
    recorded_at: datetime | None


@dataclass(frozen=True, slots=True)
class BatchStatusView:
    batch_id: str
    user_id: str
    status: str
    expected_essay_count: int
    readiness_deadline: datetime
    essay_counts: dict[str, int]
    slots_filled: int
    excess_file_count: int
    completed_at: datetime | None
    timed_out_at: datetime | None


class StatusQueries:
    """Essays, their timelines and batch summaries, each read in its own short session."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def essays_with_id(self, essay_id: str, batch_id: str | None = None) -> list[Essay]:
        """The slots called `essay_id` (one per batch that uses the id)."""
        statement = sa.select(Essay).where(Essay.essay_id == essay_id)
        if batch_id is not None:
            statement = statement.where(Essay.batch_id == batch_id)
        async with self._sessions() as session:
            return list((await session.scalars(statement.order_by(Essay.created_at))).all())

    async def timeline(self, batch_id: str, essay_id: str) -> list[TransitionView]:
        statement = (
            sa.select(EssayTransition)
            .where(EssayTransition.batch_id == batch_id, EssayTransition.essay_id == essay_id)
            .order_by(EssayTransition.id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
        return [
            TransitionView(
                from_status=row.from_status,
                to_status=row.to_status,
                cause=row.cause,
                event_id=row.event_id,
                details=dict(row.details),
                at=row.at,
            )
            for row in rows
        ]

    async def phase_results(self, batch_id: str, essay_id: str) -> list[PhaseResultView]:
        """Every phase run the essay took part in, oldest first."""
        statement = (
            sa.select(PhaseEssay, PhaseRun.started_at)
            .join(
                PhaseRun,
                sa.and_(
                    PhaseRun.batch_id == PhaseEssay.batch_id,
                    PhaseRun.pipeline_run_id == PhaseEssay.pipeline_run_id,
                    PhaseRun.phase == PhaseEssay.phase,
                ),
            )
            .where(PhaseEssay.batch_id == batch_id, PhaseEssay.essay_id == essay_id)
            .order_by(PhaseRun.started_at, PhaseEssay.phase)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            PhaseResultView(
                phase=row.phase,
                pipeline_run_id=row.pipeline_run_id,
                started_at=started_at,
                input_text_storage_id=row.input_text_storage_id,
                outcome=row.outcome,
                output_text_storage_id=row.output_text_storage_id,
                details=dict(row.details),
                error=row.error,
                recorded_at=row.recorded_at,
            )
            for row, started_at in rows
        ]

    async def batch_status(self, batch_id: str) -> BatchStatusView | None:
        async with self._sessions() as session:
            tracker = await session.get(BatchTracker, batch_id)
            if tracker is None:
                return None
            counts = await self._status_counts(session, batch_id)
            filled = await self._count(session, Essay, Essay.file_upload_id.is_not(None), batch_id)
            excess = await self._count(session, ExcessFile, sa.true(), batch_id)
        return BatchStatusView(
            batch_id=tracker.batch_id,
            user_id=tracker.user_id,
            status=tracker.status,
            expected_essay_count=tracker.expected_essay_count,
            readiness_deadline=tracker.readiness_deadline,
            essay_counts=counts,
            slots_filled=filled,
            excess_file_count=excess,
            completed_at=tracker.completed_at,
            timed_out_at=tracker.timed_out_at,
        )

    async def _status_counts(self, session: AsyncSession, batch_id: str) -> dict[str, int]:
        statement = (
            sa.select(Essay.status, sa.func.count())
            .where(Essay.batch_id == batch_id)
            .group_by(Essay.status)
            .order_by(Essay.status)
        )
        return {status: int(count) for status, count in (await session.execute(statement)).all()}

    async def _count(
        self,
        session: AsyncSession,
        table: type[Essay] | type[ExcessFile],
        condition: sa.ColumnElement[bool],
        batch_id: str,
    ) -> int:
        statement = sa.select(sa.func.count()).select_from(table)
        statement = statement.where(table.batch_id == batch_id, condition)
        return int((await session.execute(statement)).scalar_one())
