"""Applies essay status changes through the validator and records each one for the timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from common_core.status_enums import EssayStatus
from services.essay_lifecycle_service.domain.essay_states import TransitionValidator, Verdict
from services.essay_lifecycle_service.implementations.intake_repository import (
    IntakeRepository,
    TransitionRecord,
)

logger = structlog.get_logger(__name__)


class EssayTransitions:
    """Valid transitions are applied and recorded; invalid or stale ones are logged and
    skipped (a redelivered or out-of-order event must never break the consumer)."""

    def __init__(
        self, repository: IntakeRepository, validator: TransitionValidator | None = None
    ) -> None:
        self._repository = repository
        self._validator = validator or TransitionValidator()

    async def apply(self, session: AsyncSession, transition: TransitionRecord) -> bool:
        """True when the essay moved to `transition.to_status`."""
        return transition.essay_id in await self.apply_many(session, [transition])

    async def apply_many(
        self, session: AsyncSession, transitions: Sequence[TransitionRecord]
    ) -> set[str]:
        """Apply transitions (one statement per batch and from/to pair); returns the ids of
        the essays that moved."""
        groups: dict[tuple[str, EssayStatus, EssayStatus], list[TransitionRecord]] = defaultdict(
            list
        )
        for transition in transitions:
            verdict = self._verdict(transition)
            if verdict is Verdict.ALLOWED and transition.from_status is not None:
                key = (transition.batch_id, transition.from_status, transition.to_status)
                groups[key].append(transition)
            else:
                self._log_skip(transition, verdict.value)
        moved: set[str] = set()
        for (batch_id, current, target), group in groups.items():
            ids = [t.essay_id for t in group]
            changed = await self._repository.set_status(session, batch_id, ids, current, target)
            for transition in group:
                if transition.essay_id not in changed:
                    self._log_skip(transition, "status_changed_meanwhile")
            await self.record(session, [t for t in group if t.essay_id in changed])
            moved |= changed
        return moved

    async def record(self, session: AsyncSession, transitions: Sequence[TransitionRecord]) -> None:
        """Add timeline entries without a status check (slot creation, content assignment)."""
        await self._repository.add_transitions(session, transitions)

    def _verdict(self, transition: TransitionRecord) -> Verdict:
        if transition.from_status is None:
            return Verdict.INVALID  # only slot creation starts from nothing, and it is recorded
        return self._validator.verdict(transition.from_status, transition.to_status)

    def _log_skip(self, transition: TransitionRecord, reason: str) -> None:
        logger.warning(
            "essay_transition_skipped",
            batch_id=transition.batch_id,
            essay_id=transition.essay_id,
            from_status=transition.from_status.value if transition.from_status else None,
            to_status=transition.to_status.value,
            cause=transition.cause,
            event_id=transition.event_id,
            reason=reason,
        )
