"""Postgres statements of phase runs; every method runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.events.base import EssayTextRef
from common_core.status_enums import EssayStatus, OutcomeStatus, PhaseName, PipelineExecutionStatus
from services.essay_lifecycle_service.domain.phase_runs import (
    EssayOutcome,
    RunEssay,
    RunKey,
    RunStatus,
)
from services.essay_lifecycle_service.implementations import batch_lock
from services.essay_lifecycle_service.models_db import Essay, PhaseEssay, PhaseRun


@dataclass(frozen=True, slots=True)
class NewRun:
    key: RunKey
    language: str
    essay_instructions: str | None
    correlation_id: str
    command_event_id: str
    started_at: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class RunRecord:
    key: RunKey
    correlation_id: str
    status: RunStatus
    deadline: datetime


def _of_run(table: type[PhaseRun] | type[PhaseEssay], key: RunKey) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.batch_id == key.batch_id,
        table.pipeline_run_id == key.pipeline_run_id,
        table.phase == key.phase.value,
    )


class PhaseRepository:
    """Phase runs, their essays' outcomes, and the essay statuses they change."""

    async def lock_batch(self, session: AsyncSession, batch_id: str) -> None:
        await batch_lock.lock_batch(session, batch_id)

    async def try_lock_batch(self, session: AsyncSession, batch_id: str) -> bool:
        return await batch_lock.try_lock_batch(session, batch_id)

    async def essay_statuses(
        self, session: AsyncSession, batch_id: str, essay_ids: Sequence[str]
    ) -> dict[str, EssayStatus]:
        """The current status of those of `essay_ids` the batch has."""
        statement = sa.select(Essay.essay_id, Essay.status).where(
            Essay.batch_id == batch_id, Essay.essay_id.in_(essay_ids)
        )
        rows = (await session.execute(statement)).all()
        return {essay_id: EssayStatus(status) for essay_id, status in rows}

    async def insert_run(
        self, session: AsyncSession, run: NewRun, essays: Sequence[EssayTextRef]
    ) -> bool:
        """Create the run and its essays; False when the run exists already."""
        statement = (
            insert(PhaseRun)
            .values(
                batch_id=run.key.batch_id,
                pipeline_run_id=run.key.pipeline_run_id,
                phase=run.key.phase.value,
                language=run.language,
                essay_instructions=run.essay_instructions,
                correlation_id=run.correlation_id,
                command_event_id=run.command_event_id,
                status=RunStatus.IN_PROGRESS.value,
                started_at=run.started_at,
                deadline=run.deadline,
            )
            .on_conflict_do_nothing(index_elements=["batch_id", "pipeline_run_id", "phase"])
            .returning(PhaseRun.batch_id)
        )
        if (await session.execute(statement)).first() is None:
            return False
        rows = [
            {
                "batch_id": run.key.batch_id,
                "pipeline_run_id": run.key.pipeline_run_id,
                "phase": run.key.phase.value,
                "essay_id": essay.essay_id,
                "position": position,
                "input_text_storage_id": essay.text_storage_id,
            }
            for position, essay in enumerate(essays)
        ]
        await session.execute(insert(PhaseEssay), rows)
        return True

    async def get_run(self, session: AsyncSession, key: RunKey) -> RunRecord | None:
        statement = sa.select(PhaseRun.correlation_id, PhaseRun.status, PhaseRun.deadline).where(
            _of_run(PhaseRun, key)
        )
        row = (await session.execute(statement)).first()
        if row is None:
            return None
        return RunRecord(key, row.correlation_id, RunStatus(row.status), row.deadline)

    async def run_essays(self, session: AsyncSession, key: RunKey) -> list[RunEssay]:
        """The essays of the run in command order."""
        statement = (
            sa.select(
                PhaseEssay.essay_id,
                PhaseEssay.input_text_storage_id,
                PhaseEssay.outcome,
                PhaseEssay.output_text_storage_id,
            )
            .where(_of_run(PhaseEssay, key))
            .order_by(PhaseEssay.position)
        )
        return [
            RunEssay(
                essay_id=row.essay_id,
                input_text_storage_id=row.input_text_storage_id,
                outcome=OutcomeStatus(row.outcome) if row.outcome is not None else None,
                output_text_storage_id=row.output_text_storage_id,
            )
            for row in (await session.execute(statement)).all()
        ]

    async def unsettled_count(self, session: AsyncSession, key: RunKey) -> int:
        """How many essays of the run still have no outcome."""
        statement = sa.select(sa.func.count()).where(
            _of_run(PhaseEssay, key), PhaseEssay.outcome.is_(None)
        )
        return int((await session.execute(statement)).scalar_one())

    async def record_outcomes(
        self,
        session: AsyncSession,
        key: RunKey,
        outcomes: Sequence[EssayOutcome],
        event_id: str | None,
    ) -> set[str]:
        """Store each outcome unless the essay has one; returns the essay ids stored."""
        stored: set[str] = set()
        for outcome in outcomes:
            statement = (
                sa.update(PhaseEssay)
                .where(
                    _of_run(PhaseEssay, key),
                    PhaseEssay.essay_id == outcome.essay_id,
                    PhaseEssay.outcome.is_(None),
                )
                .values(
                    outcome=outcome.status.value,
                    output_text_storage_id=outcome.output_text_storage_id,
                    details=dict(outcome.details),
                    error=outcome.error,
                    result_event_id=event_id,
                    recorded_at=sa.func.now(),
                )
                .returning(PhaseEssay.essay_id)
            )
            if (await session.execute(statement)).first() is not None:
                stored.add(outcome.essay_id)
        return stored

    async def mark_completed(
        self,
        session: AsyncSession,
        key: RunKey,
        status: PipelineExecutionStatus,
        outcome_event_id: str,
    ) -> None:
        await session.execute(
            sa.update(PhaseRun)
            .where(_of_run(PhaseRun, key))
            .values(
                status=RunStatus.COMPLETED.value,
                outcome_status=status.value,
                outcome_event_id=outcome_event_id,
                completed_at=sa.func.now(),
            )
        )

    async def overdue_runs(self, session: AsyncSession, now: datetime, limit: int) -> list[RunKey]:
        """Runs still waiting for results past their deadline, oldest deadline first."""
        statement = (
            sa.select(PhaseRun.batch_id, PhaseRun.pipeline_run_id, PhaseRun.phase)
            .where(PhaseRun.status == RunStatus.IN_PROGRESS.value, PhaseRun.deadline <= now)
            .order_by(PhaseRun.deadline)
            .limit(limit)
        )
        rows = (await session.execute(statement)).all()
        return [RunKey(row.batch_id, row.pipeline_run_id, PhaseName(row.phase)) for row in rows]

    async def latest_success_details(
        self, session: AsyncSession, batch_id: str, phase: PhaseName, essay_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """For each essay, the details of its most recent successful outcome in `phase`."""
        statement = (
            sa.select(PhaseEssay.essay_id, PhaseEssay.details)
            .where(
                PhaseEssay.batch_id == batch_id,
                PhaseEssay.phase == phase.value,
                PhaseEssay.essay_id.in_(essay_ids),
                PhaseEssay.outcome == OutcomeStatus.SUCCESS.value,
            )
            .order_by(PhaseEssay.essay_id, PhaseEssay.recorded_at.desc())
            .ext(distinct_on(PhaseEssay.essay_id))
        )
        rows = (await session.execute(statement)).all()
        return {row.essay_id: dict(row.details) for row in rows}

    async def essays_of_pipeline_run(
        self, session: AsyncSession, batch_id: str, pipeline_run_id: str
    ) -> list[str]:
        """Every essay some phase of the pipeline run was given."""
        statement = (
            sa.select(PhaseEssay.essay_id)
            .where(PhaseEssay.batch_id == batch_id, PhaseEssay.pipeline_run_id == pipeline_run_id)
            .distinct()
            .order_by(PhaseEssay.essay_id)
        )
        return list((await session.scalars(statement)).all())
