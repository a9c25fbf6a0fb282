"""The batch state projection in Postgres (the source of truth for pruning)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus

from ..domain.batch_state import BatchState, PhaseProgress, PipelineRunSummary
from ..domain.projection import PhaseOutcome, ProjectionUpdate
from ..models_db import (
    BatchProjectionRow,
    EssayPhaseResultRow,
    PhaseCompletionRow,
    PhaseOutcomeRow,
    PipelineRunRow,
)


class PostgresBatchStateRepository:
    """Reads and writes the projection inside the caller's transaction."""

    async def bump_version(self, session: AsyncSession, batch_id: str) -> int:
        """Increment the batch's version (creating its row); locks the row until commit."""
        statement = (
            insert(BatchProjectionRow)
            .values(batch_id=batch_id, version=1)
            .on_conflict_do_update(
                index_elements=["batch_id"],
                set_={"version": BatchProjectionRow.version + 1, "updated_at": sa.func.now()},
            )
            .returning(BatchProjectionRow.version)
        )
        return int((await session.execute(statement)).scalar_one())

    async def apply(self, session: AsyncSession, update: ProjectionUpdate) -> None:
        await self._write_essay_results(session, update)
        await self._write_completions(session, update)
        if update.phase_outcome is not None:
            await self._write_phase_outcome(session, update, update.phase_outcome)
        if update.pipeline_run is not None:
            await self._write_pipeline_run(session, update.batch_id, update.pipeline_run)

    async def load(self, session: AsyncSession, batch_id: str) -> BatchState:
        """The batch's projection. The version is read first, so the data is never older
        than the version it is labelled with (a newer writer's cache write then wins)."""
        version = await session.scalar(
            sa.select(BatchProjectionRow.version).where(BatchProjectionRow.batch_id == batch_id)
        )
        if version is None:
            return BatchState(batch_id=batch_id)
        results = await self._essay_results(session, batch_id)
        completions = await self._completions(session, batch_id)
        outcomes = await self._latest_outcomes(session, batch_id)
        phases = {
            phase: _progress(phase, results, completions, outcomes)
            for phase in PhaseName
            if phase in results or phase in completions or phase in outcomes
        }
        essay_ids = sorted({essay for by_essay in results.values() for essay in by_essay})
        return BatchState(
            batch_id=batch_id,
            version=int(version),
            essay_ids=tuple(essay_ids),
            phases=phases,
            last_pipeline_run=await self._last_run(session, batch_id),
        )

    # -- writes --------------------------------------------------------------------------------

    async def _write_essay_results(self, session: AsyncSession, update: ProjectionUpdate) -> None:
        if not update.essay_results:
            return
        rows = [
            {
                "batch_id": update.batch_id,
                "phase": result.phase.value,
                "essay_id": result.essay_id,
                "status": result.status.value,
                "pipeline_run_id": update.pipeline_run_id,
            }
            for result in update.essay_results
        ]
        statement = insert(EssayPhaseResultRow).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["batch_id", "phase", "essay_id"],
            set_={
                "status": statement.excluded.status,
                "pipeline_run_id": statement.excluded.pipeline_run_id,
                "updated_at": sa.func.now(),
            },
        )
        await session.execute(statement)

    async def _write_completions(self, session: AsyncSession, update: ProjectionUpdate) -> None:
        if update.completed_phase is None or not update.completed_essay_ids:
            return
        rows = [
            {
                "batch_id": update.batch_id,
                "phase": update.completed_phase.value,
                "essay_id": essay_id,
                "pipeline_run_id": update.pipeline_run_id,
            }
            for essay_id in update.completed_essay_ids
        ]
        statement = insert(PhaseCompletionRow).values(rows).on_conflict_do_nothing()
        await session.execute(statement)

    async def _write_phase_outcome(
        self, session: AsyncSession, update: ProjectionUpdate, outcome: PhaseOutcome
    ) -> None:
        values = {
            "batch_id": update.batch_id,
            "pipeline_run_id": update.pipeline_run_id,
            "phase": outcome.phase.value,
            "status": outcome.status.value,
            "successful": outcome.successful,
            "failed": outcome.failed,
            "reason": outcome.reason,
        }
        statement = insert(PhaseOutcomeRow).values(values)
        keys = ["batch_id", "pipeline_run_id", "phase"]
        if not outcome.authoritative:
            await session.execute(statement.on_conflict_do_nothing(index_elements=keys))
            return
        # ELS's outcome supersedes a CJ failure seen first, but keeps its reason.
        excluded = statement.excluded
        set_: dict[str, Any] = {
            "status": excluded.status,
            "successful": excluded.successful,
            "failed": excluded.failed,
        }
        await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=set_))

    async def _write_pipeline_run(
        self, session: AsyncSession, batch_id: str, run: PipelineRunSummary
    ) -> None:
        values = {"batch_id": batch_id, **run.model_dump(mode="json")}
        statement = insert(PipelineRunRow).values(values).on_conflict_do_nothing()
        await session.execute(statement)

    # -- reads ---------------------------------------------------------------------------------

    async def _essay_results(
        self, session: AsyncSession, batch_id: str
    ) -> dict[PhaseName, dict[str, OutcomeStatus]]:
        statement = sa.select(
            EssayPhaseResultRow.phase, EssayPhaseResultRow.essay_id, EssayPhaseResultRow.status
        ).where(EssayPhaseResultRow.batch_id == batch_id)
        results: dict[PhaseName, dict[str, OutcomeStatus]] = defaultdict(dict)
        for phase, essay_id, status in await session.execute(statement):
            results[PhaseName(phase)][essay_id] = OutcomeStatus(status)
        return results

    async def _completions(
        self, session: AsyncSession, batch_id: str
    ) -> dict[PhaseName, list[str]]:
        statement = (
            sa.select(PhaseCompletionRow.phase, PhaseCompletionRow.essay_id)
            .where(PhaseCompletionRow.batch_id == batch_id)
            .order_by(PhaseCompletionRow.phase, PhaseCompletionRow.essay_id)
        )
        completions: dict[PhaseName, list[str]] = defaultdict(list)
        for phase, essay_id in await session.execute(statement):
            completions[PhaseName(phase)].append(essay_id)
        return completions

    async def _latest_outcomes(
        self, session: AsyncSession, batch_id: str
    ) -> dict[PhaseName, tuple[PipelineExecutionStatus, str | None]]:
        row = PhaseOutcomeRow
        statement = (
            sa.select(row.phase, row.status, row.reason)
            .where(row.batch_id == batch_id)
            .order_by(row.phase, row.received_at.desc())
            .ext(distinct_on(row.phase))
        )
        return {
            PhaseName(phase): (PipelineExecutionStatus(status), reason)
            for phase, status, reason in await session.execute(statement)
        }

    async def _last_run(self, session: AsyncSession, batch_id: str) -> PipelineRunSummary | None:
        row = PipelineRunRow
        statement = (
            sa.select(
                row.pipeline_run_id,
                row.final_status,
                row.successful_essay_count,
                row.failed_essay_count,
            )
            .where(row.batch_id == batch_id)
            .order_by(row.completed_at.desc())
            .limit(1)
        )
        found = (await session.execute(statement)).mappings().first()
        return PipelineRunSummary.model_validate(dict(found)) if found else None


def _progress(
    phase: PhaseName,
    results: dict[PhaseName, dict[str, OutcomeStatus]],
    completions: dict[PhaseName, list[str]],
    outcomes: dict[PhaseName, tuple[PipelineExecutionStatus, str | None]],
) -> PhaseProgress:
    statuses = list(results.get(phase, {}).values())
    last_outcome, reason = outcomes.get(phase, (None, None))
    return PhaseProgress(
        completed_essay_ids=tuple(completions.get(phase, ())),
        successful_essays=statuses.count(OutcomeStatus.SUCCESS),
        failed_essays=statuses.count(OutcomeStatus.FAILED),
        last_outcome=last_outcome,
        last_failure_reason=reason,
    )
