"""Ports of the Content Service (the repository has a Postgres and an in-memory version)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ContentItem:
    storage_id: str
    content_type: str
    data: bytes


class ContentRepository(Protocol):
    async def save(self, item: ContentItem) -> bool:
        """Store ``item`` unless its id exists; True when this call stored it."""
        ...

    async def load(self, storage_id: str) -> ContentItem | None:
        """The stored item, or None when the id is unknown."""
        ...
