"""The Postgres `pipeline_runs` table as a PipelineRunRepository."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.field_types import utc_now
from common_core.pipeline_models import ErrorInfo, PhaseState, ProcessingPipelineState
from common_core.status_enums import PhaseName, PipelineExecutionStatus

from ..models_db import PipelineRunRow


class PostgresPipelineRunRepository:
    """Maps `ProcessingPipelineState` to and from its row, in the caller's session."""

    async def add(
        self,
        session: AsyncSession,
        run: ProcessingPipelineState,
        *,
        requested_by: str,
        client_correlation_id: str,
    ) -> None:
        session.add(
            PipelineRunRow(
                pipeline_run_id=run.pipeline_run_id,
                batch_id=run.batch_id,
                requested_pipeline=run.requested_pipeline,
                requested_by=requested_by,
                client_correlation_id=client_correlation_id,
                requested_at=run.requested_at,
                **_state_values(run),
            )
        )
        await session.flush()

    async def get(
        self, session: AsyncSession, pipeline_run_id: str, *, for_update: bool = False
    ) -> ProcessingPipelineState | None:
        statement = sa.select(PipelineRunRow).where(
            PipelineRunRow.pipeline_run_id == pipeline_run_id
        )
        if for_update:
            statement = statement.with_for_update()
        row = (await session.execute(statement)).scalar_one_or_none()
        return _to_run(row) if row is not None else None

    async def save(self, session: AsyncSession, run: ProcessingPipelineState) -> None:
        statement = (
            sa.update(PipelineRunRow)
            .where(PipelineRunRow.pipeline_run_id == run.pipeline_run_id)
            .values(**_state_values(run))
        )
        await session.execute(statement)


def _state_values(run: ProcessingPipelineState) -> dict[str, Any]:
    """Columns that change as the run progresses."""
    return {
        "status": run.status.value,
        "phases": [state.model_dump(mode="json") for state in run.phases],
        "pruned_phases": [phase.value for phase in run.pruned_phases],
        "error": run.error.model_dump(mode="json") if run.error else None,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "updated_at": utc_now(),
    }


def _to_run(row: PipelineRunRow) -> ProcessingPipelineState:
    return ProcessingPipelineState(
        batch_id=row.batch_id,
        pipeline_run_id=row.pipeline_run_id,
        requested_pipeline=row.requested_pipeline,
        status=PipelineExecutionStatus(row.status),
        phases=[PhaseState.model_validate(item) for item in row.phases],
        pruned_phases=[PhaseName(item) for item in row.pruned_phases],
        requested_at=row.requested_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        error=ErrorInfo.model_validate(row.error) if row.error else None,
    )
