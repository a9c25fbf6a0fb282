"""The batch views in Postgres, read and written inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.view import BatchView
from ..models_db import BatchResultRow, EssayResultRow
from .row_mapping import batch_values, essay_values, view_from_rows


@dataclass(frozen=True)
class BatchPage:
    """One page of a user's batches (rows in the client-facing order) and the total count."""

    rows: Sequence[BatchResultRow]
    total: int


class PostgresViewRepository:
    async def exists(self, session: AsyncSession, batch_id: str) -> bool:
        statement = sa.select(sa.literal(True)).where(BatchResultRow.batch_id == batch_id)
        return (await session.execute(statement)).first() is not None

    async def load(
        self, session: AsyncSession, batch_id: str, *, for_update: bool = False
    ) -> BatchView | None:
        """The view of `batch_id` with its essays; `for_update` locks the batch row."""
        statement = sa.select(BatchResultRow).where(BatchResultRow.batch_id == batch_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await session.execute(statement)).scalar_one_or_none()
        if row is None:
            return None
        essays = await session.execute(
            sa.select(EssayResultRow).where(EssayResultRow.batch_id == batch_id)
        )
        return view_from_rows(row, list(essays.scalars()))

    async def save(self, session: AsyncSession, view: BatchView, before: BatchView | None) -> None:
        """Write `view`: the batch row, the essays that changed, minus the ones merged away."""
        values = batch_values(view)
        upsert = insert(BatchResultRow).values(values)
        updates = {name: upsert.excluded[name] for name in values if name != "batch_id"}
        await session.execute(
            upsert.on_conflict_do_update(index_elements=["batch_id"], set_=updates)
        )
        await self._save_essays(session, view, before)

    async def _save_essays(
        self, session: AsyncSession, view: BatchView, before: BatchView | None
    ) -> None:
        old = {e.key: e for e in before.essays} if before else {}
        new = {e.key: e for e in view.essays}
        gone = [key for key in old if key not in new]
        if gone:
            await session.execute(
                sa.delete(EssayResultRow).where(
                    EssayResultRow.batch_id == view.batch_id, EssayResultRow.entry_key.in_(gone)
                )
            )
        changed = [essay for key, essay in new.items() if old.get(key) != essay]
        for essay in changed:
            values = essay_values(view.batch_id, essay)
            upsert = insert(EssayResultRow).values(values)
            updates = {
                name: upsert.excluded[name]
                for name in values
                if name not in ("batch_id", "entry_key")
            }
            await session.execute(
                upsert.on_conflict_do_update(index_elements=["batch_id", "entry_key"], set_=updates)
            )

    async def user_batches(
        self,
        session: AsyncSession,
        user_id: str,
        *,
        limit: int,
        offset: int,
        status: str | None = None,
    ) -> BatchPage:
        """The user's batches, newest first, optionally of one client status."""
        condition = BatchResultRow.user_id == user_id
        if status is not None:
            condition = sa.and_(condition, BatchResultRow.status == status)
        total = await session.scalar(
            sa.select(sa.func.count()).select_from(BatchResultRow).where(condition)
        )
        rows = await session.execute(
            sa.select(BatchResultRow)
            .where(condition)
            .order_by(BatchResultRow.created_at.desc(), BatchResultRow.batch_id)
            .limit(limit)
            .offset(offset)
        )
        return BatchPage(rows=list(rows.scalars()), total=int(total or 0))

    async def truncate(self, session: AsyncSession) -> None:
        """Empty the view and the consumer's processed-event records (before a full rebuild)."""
        await session.execute(sa.text("TRUNCATE essay_results, batch_results, processed_events"))
