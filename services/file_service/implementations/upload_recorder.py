"""Records uploads in ``file_uploads`` and their events in the outbox, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from huleedu_service_libs.outbox import OutboxWriter
from services.file_service.domain.upload_events import upload_event
from services.file_service.domain.uploads import FileUpload
from services.file_service.models_db import FileUploadRow


def _row_values(upload: FileUpload, correlation_id: UUID) -> dict[str, Any]:
    student = upload.student
    return {
        "file_upload_id": upload.file_upload_id,
        "batch_id": upload.batch_id,
        "user_id": upload.user_id,
        "original_file_name": upload.file_name,
        "file_sha256": upload.file_sha256,
        "size_bytes": upload.size_bytes,
        "status": "accepted" if upload.accepted else "rejected",
        "text_storage_id": upload.text_storage_id,
        "reason_code": upload.reason.value if upload.reason else None,
        "message": upload.message,
        "student_name": student.name if student else None,
        "student_email": student.email if student else None,
        "name_confidence": student.name_confidence if student else 0.0,
        "correlation_id": str(correlation_id),
    }


class PostgresUploadRecorder:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: OutboxWriter) -> None:
        self._sessions = sessions
        self._outbox = outbox

    async def record(self, uploads: Sequence[FileUpload], correlation_id: UUID) -> set[str]:
        if not uploads:
            return set()
        # Rows go in content order so that two requests sharing files lock the unique index
        # entries in the same order and wait for each other instead of deadlocking. A file the
        # batch already holds (committed, or by a concurrent request that then commits) is
        # skipped by ON CONFLICT DO NOTHING and so has no row and no event.
        ordered = sorted(uploads, key=lambda upload: upload.file_sha256)
        statement = (
            insert(FileUploadRow)
            .values([_row_values(upload, correlation_id) for upload in ordered])
            .on_conflict_do_nothing(constraint="uq_file_uploads_batch_content")
            .returning(FileUploadRow.file_upload_id)
        )
        async with self._sessions() as session, session.begin():
            recorded = set((await session.execute(statement)).scalars())
            events = [
                (upload_event(upload, correlation_id), upload.batch_id)
                for upload in uploads
                if upload.file_upload_id in recorded
            ]
            await self._outbox.add_many(session, events)
        return recorded
