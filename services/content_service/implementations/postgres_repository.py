"""Postgres storage of content items."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from services.content_service.models_db import StoredContent
from services.content_service.protocols import ContentItem

# Built once: the values are bound per call, so each save skips statement construction.
# ON CONFLICT DO NOTHING makes concurrent uploads of the same bytes safe: the first insert wins,
# the others wait for it on the primary key and then do nothing.
_INSERT = (
    insert(StoredContent)
    .on_conflict_do_nothing(index_elements=[StoredContent.storage_id])
    .returning(StoredContent.storage_id)
)
_SELECT = sa.select(StoredContent.content_type, StoredContent.data).where(
    StoredContent.storage_id == sa.bindparam("storage_id")
)


class PostgresContentRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        # Every operation is one statement, so autocommit saves the BEGIN/COMMIT round trips.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def save(self, item: ContentItem) -> bool:
        values = {
            "storage_id": item.storage_id,
            "content_type": item.content_type,
            "size_bytes": len(item.data),
            "data": item.data,
        }
        async with self._engine.connect() as connection:
            inserted = (await connection.execute(_INSERT, values)).first()
        return inserted is not None

    async def load(self, storage_id: str) -> ContentItem | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(_SELECT, {"storage_id": storage_id})).first()
        if row is None:
            return None
        return ContentItem(storage_id=storage_id, content_type=row.content_type, data=row.data)
