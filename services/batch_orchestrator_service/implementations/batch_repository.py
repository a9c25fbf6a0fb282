"""The Postgres `batches` table as a BatchRepository."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.events.batch_coordination import FailedFile, ReadyEssay
from common_core.status_enums import BatchStatus, CourseCode

from ..domain.batch import Batch, BatchContext, PipelineState
from ..models_db import BatchRow


class PostgresBatchRepository:
    """Maps `Batch` to and from its row; every call runs in the caller's session."""

    async def add(self, session: AsyncSession, batch: Batch) -> None:
        session.add(BatchRow(**_row_values(batch), **_identity_values(batch)))
        await session.flush()

    async def get(
        self, session: AsyncSession, batch_id: str, *, for_update: bool = False
    ) -> Batch | None:
        statement = sa.select(BatchRow).where(BatchRow.batch_id == batch_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await session.execute(statement)).scalar_one_or_none()
        return _to_batch(row) if row is not None else None

    async def save(self, session: AsyncSession, batch: Batch) -> None:
        statement = (
            sa.update(BatchRow)
            .where(BatchRow.batch_id == batch.batch_id)
            .values(**_row_values(batch))
        )
        await session.execute(statement)


def _identity_values(batch: Batch) -> dict[str, Any]:
    """Columns fixed at registration."""
    context = batch.context
    return {
        "batch_id": batch.batch_id,
        "user_id": batch.user_id,
        "course_code": context.course_code.value,
        "class_designation": context.class_designation,
        "essay_instructions": context.essay_instructions,
        "expected_essay_count": context.expected_essay_count,
        "essay_ids": list(batch.essay_ids),
        "readiness_deadline": batch.readiness_deadline,
        "correlation_id": str(batch.correlation_id),
        "created_at": batch.created_at,
    }


def _row_values(batch: Batch) -> dict[str, Any]:
    """Columns that change over the batch's life."""
    return {
        "status": batch.status.value,
        "status_reason": batch.status_reason,
        "essays": [essay.model_dump(mode="json") for essay in batch.essays],
        "failed_files": [failed.model_dump(mode="json") for failed in batch.failed_files],
        "missing_essay_ids": list(batch.missing_essay_ids),
        "ready_essay_count": batch.ready_essay_count,
        "pipeline_state": batch.pipeline_state.model_dump(mode="json"),
        "updated_at": batch.updated_at,
    }


def _to_batch(row: BatchRow) -> Batch:
    context = BatchContext(
        course_code=CourseCode(row.course_code),
        essay_instructions=row.essay_instructions,
        expected_essay_count=row.expected_essay_count,
        class_designation=row.class_designation,
    )
    return Batch(
        batch_id=row.batch_id,
        user_id=row.user_id,
        status=BatchStatus(row.status),
        status_reason=row.status_reason,
        context=context,
        essay_ids=tuple(row.essay_ids),
        readiness_deadline=row.readiness_deadline,
        correlation_id=UUID(row.correlation_id),
        created_at=row.created_at,
        updated_at=row.updated_at,
        essays=tuple(ReadyEssay.model_validate(item) for item in row.essays),
        failed_files=tuple(FailedFile.model_validate(item) for item in row.failed_files),
        missing_essay_ids=tuple(row.missing_essay_ids),
        ready_essay_count=row.ready_essay_count,
        pipeline_state=PipelineState.model_validate(row.pipeline_state),
    )
