"""The worker's sweeps: batches past their readiness deadline, phase runs past theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from common_core.field_types import utc_now
from services.essay_lifecycle_service.deadline_sweeper import DeadlineSweeper
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.phase_service import PhaseService


class ReadinessSweeper(DeadlineSweeper):
    """Announces the timeout of batches still waiting for content past their deadline."""

    def __init__(
        self,
        intake: IntakeService,
        *,
        interval_s: float,
        batch_size: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(
            intake.time_out_overdue_batches,
            name="readiness",
            interval_s=interval_s,
            batch_size=batch_size,
            clock=clock,
        )


class PhaseTimeoutSweeper(DeadlineSweeper):
    """Fails the missing essays of phase runs past their deadline and announces the outcome."""

    def __init__(
        self,
        phases: PhaseService,
        *,
        interval_s: float,
        batch_size: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(
            phases.time_out_overdue_runs,
            name="phase_timeout",
            interval_s=interval_s,
            batch_size=batch_size,
            clock=clock,
        )
