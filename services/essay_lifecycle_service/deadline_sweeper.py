"""The worker's periodic sweeps for work past its deadline (batch readiness, phase runs)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog

from common_core.field_types import utc_now
from huleedu_service_libs.errors import is_transient

logger = structlog.get_logger(__name__)

Sweep = Callable[[datetime, int], Awaitable[int]]
"""`sweep(now, limit)` handles at most `limit` overdue items and returns how many it handled."""


class DeadlineSweeper:
    """Every `interval_s`, runs one sweep (at most `batch_size` items per pass; a full pass
    is followed by another at once). Errors are logged, never fatal: the next pass retries."""

    def __init__(
        self,
        sweep: Sweep,
        *,
        name: str,
        interval_s: float,
        batch_size: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._sweep = sweep
        self._name = name
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._clock = clock
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        self._stopping.clear()
        while not self._stopping.is_set():
            handled = await self.sweep_once()
            if handled < self._batch_size:
                await self._sleep()

    async def sweep_once(self) -> int:
        """One pass; returns how many items it handled (0 after an error)."""
        try:
            return await self._sweep(self._clock(), self._batch_size)
        except Exception as exc:
            log = logger.warning if is_transient(exc) else logger.exception
            log("deadline_sweep_failed", sweep=self._name, error_type=type(exc).__name__)
            return 0

    async def stop(self) -> None:
        self._stopping.set()

    async def _sleep(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=self._interval_s)
