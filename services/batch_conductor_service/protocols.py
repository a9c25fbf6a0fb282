"""Ports of BCS: the state projection, its cache, its reader, and the resolution dead letters."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from .domain.batch_state import BatchState, StateSource
from .domain.dead_letter import ResolutionDeadLetter
from .domain.projection import ProjectionUpdate


class BatchStateRepository(Protocol):
    """The projection in the service's database, inside the caller's transaction."""

    async def bump_version(self, session: AsyncSession, batch_id: str) -> int: ...

    async def apply(self, session: AsyncSession, update: ProjectionUpdate) -> None: ...

    async def load(self, session: AsyncSession, batch_id: str) -> BatchState: ...


class BatchStateCache(Protocol):
    """A cache of batch states; `store` never replaces a state with an older version."""

    async def get(self, batch_id: str) -> BatchState | None: ...

    async def store(self, state: BatchState) -> None: ...


class BatchStateReader(Protocol):
    """The current state of a batch and where it was read from."""

    async def read(self, batch_id: str) -> tuple[BatchState, StateSource]: ...


class ResolutionDeadLetters(Protocol):
    """Where failed pipeline resolutions go (`huleedu.pipelines.resolution.DLQ`)."""

    def submit(self, letter: ResolutionDeadLetter) -> None:
        """Hand the letter over without delaying the caller; delivery happens in background."""
        ...
