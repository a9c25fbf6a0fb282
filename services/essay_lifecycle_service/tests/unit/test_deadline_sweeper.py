"""The periodic deadline sweep: passes until stopped, errors never fatal, full passes repeat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.essay_lifecycle_service.deadline_sweeper import DeadlineSweeper

NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_an_error_in_a_pass_is_reported_as_nothing_handled() -> None:
    async def broken(now: datetime, limit: int) -> int:
        raise RuntimeError("database gone")

    sweeper = DeadlineSweeper(broken, name="t", interval_s=60, batch_size=5, clock=lambda: NOW)
    assert await sweeper.sweep_once() == 0


async def test_a_full_pass_is_followed_by_another_at_once_until_stopped() -> None:
    passes: list[tuple[datetime, int]] = []
    sweeper: DeadlineSweeper

    async def sweep(now: datetime, limit: int) -> int:
        passes.append((now, limit))
        if len(passes) == 3:
            await sweeper.stop()
            return 0
        return limit  # full: more may be waiting

    sweeper = DeadlineSweeper(sweep, name="t", interval_s=60, batch_size=4, clock=lambda: NOW)
    await asyncio.wait_for(sweeper.run(), timeout=5)
    assert passes == [(NOW, 4)] * 3
