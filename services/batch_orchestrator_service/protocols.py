"""Ports of BOS: where batches and runs are kept, and how pipelines are resolved (Postgres and
BCS in production, fakes in unit tests)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from common_core.pipeline_models import ProcessingPipelineState

from .domain.batch import Batch
from .domain.pipeline_runs import PipelineResolution


class BatchRepository(Protocol):
    """Batches, read and written inside the caller's transaction."""

    async def add(self, session: AsyncSession, batch: Batch) -> None: ...

    async def get(
        self, session: AsyncSession, batch_id: str, *, for_update: bool = False
    ) -> Batch | None:
        """The batch, or None; `for_update` locks its row until the transaction ends."""
        ...

    async def save(self, session: AsyncSession, batch: Batch) -> None:
        """Write the changed state (status, essays, pipeline state) of an existing batch."""
        ...


class PipelineRunRepository(Protocol):
    """Pipeline runs, read and written inside the caller's transaction."""

    async def add(
        self,
        session: AsyncSession,
        run: ProcessingPipelineState,
        *,
        requested_by: str,
        client_correlation_id: str,
    ) -> None: ...

    async def get(
        self, session: AsyncSession, pipeline_run_id: str, *, for_update: bool = False
    ) -> ProcessingPipelineState | None: ...

    async def save(self, session: AsyncSession, run: ProcessingPipelineState) -> None: ...


class UnknownPipelineError(Exception):
    """BCS does not know the requested pipeline (its message names the ones that exist)."""


class PipelineResolver(Protocol):
    """Resolves a requested pipeline into ordered phases, pruning completed ones (BCS)."""

    async def resolve(
        self, batch_id: str, requested_pipeline: str, correlation_id: UUID
    ) -> PipelineResolution:
        """The resolution; raises UnknownPipelineError, or a transient error when BCS is down."""
        ...
