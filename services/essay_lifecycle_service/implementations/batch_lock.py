"""The per-batch advisory lock every change to a batch's essays takes (intake and phases).

Held until the transaction ends, it makes "the last slot was just filled" or "the last essay
of a phase got its outcome" visible to exactly one transaction, whichever event or sweep
gets there.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

_BATCH_LOCK_PREFIX = "els-batch:"


def _key(batch_id: str) -> sa.ColumnElement[int]:
    return sa.func.hashtextextended(_BATCH_LOCK_PREFIX + batch_id, 0)


async def lock_batch(session: AsyncSession, batch_id: str) -> None:
    """Wait for and take the batch's lock until the transaction ends."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_key(batch_id))))


async def try_lock_batch(session: AsyncSession, batch_id: str) -> bool:
    """Take the batch's lock if it is free; False at once when another transaction holds it."""
    result = await session.execute(sa.select(sa.func.pg_try_advisory_xact_lock(_key(batch_id))))
    return bool(result.scalar_one())
