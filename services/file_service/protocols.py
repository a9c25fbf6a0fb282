"""Ports of the File Service: BOS, the Content Service and the upload records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from services.file_service.domain.uploads import FileUpload


class DependencyUnavailableError(RuntimeError):
    """A service the upload depends on did not answer usefully (down, timing out, 5xx)."""

    def __init__(self, dependency: str, reason: str) -> None:
        super().__init__(f"{dependency} is unavailable: {reason}")
        self.dependency = dependency


class BatchStateReader(Protocol):
    async def pipeline_state(self, batch_id: str, user_id: str) -> Mapping[str, Any] | None:
        """BOS's pipeline-state answer for the batch, None when BOS does not know it (or not
        for this user). Raises :class:`DependencyUnavailableError`."""
        ...


class TextStore(Protocol):
    async def store_text(self, text: str, *, correlation_id: UUID | str | None = None) -> str:
        """Store ``text``; return its storage id."""
        ...


class UploadRecorder(Protocol):
    async def record(self, uploads: Sequence[FileUpload], correlation_id: UUID) -> set[str]:
        """Durably record ``uploads`` with their events in one transaction; return the ids of
        those recorded. An upload whose bytes the batch already holds is not recorded."""
        ...
