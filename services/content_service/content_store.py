"""The content store: content-addressed, size-limited storage of byte sequences."""

from __future__ import annotations

from services.content_service.content_addressing import (
    is_storage_id,
    normalise_content_type,
    storage_id_for,
)
from services.content_service.protocols import ContentItem, ContentRepository


class ContentTooLargeError(ValueError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"content of {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit


class EmptyContentError(ValueError):
    pass


class ContentStore:
    """Stores bytes once under their SHA-256 and serves them with their content type."""

    def __init__(
        self, repository: ContentRepository, *, max_bytes: int, default_content_type: str
    ) -> None:
        self._repository = repository
        self.max_bytes = max_bytes
        self._default_content_type = default_content_type

    def check_size(self, size: int) -> None:
        """Raise :class:`ContentTooLargeError` when ``size`` bytes may not be stored."""
        if size > self.max_bytes:
            raise ContentTooLargeError(size, self.max_bytes)

    async def store(self, data: bytes, content_type: str | None) -> str:
        """Store ``data`` (identical bytes are kept once, with the first content type)."""
        if not data:
            raise EmptyContentError("content must not be empty")
        self.check_size(len(data))
        item = ContentItem(
            storage_id=storage_id_for(data),
            content_type=normalise_content_type(content_type, self._default_content_type),
            data=data,
        )
        await self._repository.save(item)
        return item.storage_id

    async def fetch(self, storage_id: str) -> ContentItem | None:
        if not is_storage_id(storage_id):
            return None
        return await self._repository.load(storage_id)
