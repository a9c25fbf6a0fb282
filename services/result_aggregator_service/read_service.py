"""The reads behind the internal API: JSON bodies from the cache, else from Postgres."""

from __future__ import annotations

import json
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common_core.status_enums import BatchClientStatus
from huleedu_service_libs.content_client import ContentNotFoundError, ContentServiceClient
from huleedu_service_libs.errors import is_transient

from .api.views import batch_summary, essay_detail_view, status_view
from .domain.view import BatchView
from .implementations.view_repository import PostgresViewRepository
from .protocols import Loaded, ResponseCache

logger = structlog.get_logger(__name__)

TEXT_AVAILABLE = "available"
TEXT_NONE = "none"
TEXT_MISSING = "missing"
TEXT_UNAVAILABLE = "unavailable"


class ResultReader:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        repository: PostgresViewRepository,
        cache: ResponseCache,
        content: ContentServiceClient,
    ) -> None:
        self._sessions = sessions
        self._repository = repository
        self._cache = cache
        self._content = content

    async def batch_status(self, batch_id: str) -> str | None:
        """The status document of the batch, or None when RAS has no view of it."""

        async def load() -> Loaded | None:
            view = await self._load_view(batch_id)
            return Loaded(_dumps(status_view(view))) if view else None

        return await self._cache.batch_response(batch_id, "status", load)

    async def user_batches(
        self, user_id: str, *, limit: int, offset: int, status: BatchClientStatus | None
    ) -> str:
        """A page of the user's batches: `{batches, total, limit, offset}`."""
        part = f"batches:{limit}:{offset}:{status.value if status else '*'}"

        async def load() -> Loaded:
            async with self._sessions() as session:
                page = await self._repository.user_batches(
                    session,
                    user_id,
                    limit=limit,
                    offset=offset,
                    status=status.value if status else None,
                )
            document = {
                "batches": [batch_summary(row) for row in page.rows],
                "total": page.total,
                "limit": limit,
                "offset": offset,
            }
            return Loaded(_dumps(document))

        body = await self._cache.user_response(user_id, part, load)
        if body is None:  # the loader always answers; only a broken cache could say otherwise
            raise RuntimeError("user listing loader returned nothing")
        return body

    async def essay(self, batch_id: str, essay_id: str) -> str | None:
        """The essay's results with its corrected text, or None when unknown."""

        async def load() -> Loaded | None:
            view = await self._load_view(batch_id)
            essay = view.essay_by_id(essay_id) if view else None
            if view is None or essay is None:
                return None
            text, text_status = await self._corrected_text(essay.corrected_text_storage_id)
            document = essay_detail_view(view, essay, text, text_status)
            return Loaded(_dumps(document), cacheable=text_status != TEXT_UNAVAILABLE)

        return await self._cache.batch_response(batch_id, f"essay:{essay_id}", load)

    async def _load_view(self, batch_id: str) -> BatchView | None:
        async with self._sessions() as session:
            return await self._repository.load(session, batch_id)

    async def _corrected_text(self, storage_id: str | None) -> tuple[str | None, str]:
        if storage_id is None:
            return None, TEXT_NONE
        try:
            return await self._content.fetch_text(storage_id), TEXT_AVAILABLE
        except ContentNotFoundError:
            logger.warning("corrected_text_missing", storage_id=storage_id)
            return None, TEXT_MISSING
        except Exception as exc:
            if not is_transient(exc):
                raise
            logger.warning("content_service_unavailable", error=repr(exc))
            return None, TEXT_UNAVAILABLE


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))
