"""Ports of the gateway with more than one implementation (real ones and test fakes)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from common_core.events.pipeline import ClientBatchPipelineRequestV1


class PipelineRequestPublisher(Protocol):
    @property
    def connected(self) -> bool: ...

    async def connect(self, timeout_s: float | None = None) -> bool: ...

    async def publish(self, request: ClientBatchPipelineRequestV1, correlation_id: UUID) -> None:
        """Raises `EventBusUnavailableError` when the request could not be handed over."""
        ...

    async def stop(self) -> None: ...
