"""Batch file intake: check the batch with BOS, examine each file, store texts, record uploads.

Everything an accepted file needs happens before the caller is answered: the text is in the
Content Service and the upload row and its event are committed together (the event goes out
through the outbox), so a crash after the answer loses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from huleedu_service_libs.errors import is_transient
from huleedu_service_libs.logging import get_logger
from services.file_service.domain.batch_acceptance import Acceptance, BatchVerdict, assess_batch
from services.file_service.domain.file_validation import FileLimits, validated_text
from services.file_service.domain.rejection import FileRejectedError
from services.file_service.domain.student_info import parse_student_info
from services.file_service.domain.uploads import (
    FileUpload,
    IncomingFile,
    UploadResult,
    duplicate_rejection,
)
from services.file_service.protocols import (
    BatchStateReader,
    DependencyUnavailableError,
    TextStore,
    UploadRecorder,
)

logger = get_logger(__name__)


class BatchNotAcceptingError(Exception):
    """The batch is unknown to this user, or it no longer takes files."""

    def __init__(self, batch_id: str, verdict: BatchVerdict) -> None:
        super().__init__(f"batch {batch_id} does not accept files: {verdict.acceptance}")
        self.batch_id = batch_id
        self.verdict = verdict


@dataclass(frozen=True)
class _Examined:
    upload: FileUpload
    text: str | None


class FileIntake:
    def __init__(
        self,
        batches: BatchStateReader,
        texts: TextStore,
        recorder: UploadRecorder,
        limits: FileLimits,
        *,
        store_concurrency: int = 8,
    ) -> None:
        self._batches = batches
        self._texts = texts
        self._recorder = recorder
        self._limits = limits
        self._store_concurrency = store_concurrency

    async def upload(
        self,
        batch_id: str,
        user_id: str,
        files: Sequence[IncomingFile],
        correlation_id: UUID,
    ) -> UploadResult:
        """Take ``files`` into the batch; raises :class:`BatchNotAcceptingError` or
        :class:`DependencyUnavailableError` before anything is recorded."""
        await self._check_batch(batch_id, user_id)
        unique, duplicates = _split_duplicates(files)
        examined = await asyncio.to_thread(self._examine_all, batch_id, user_id, unique)
        uploads = await self._store_texts(examined, correlation_id)
        recorded = await self._recorder.record(uploads, correlation_id)
        result = _result(batch_id, files, uploads, recorded, duplicates)
        logger.info(
            "files taken into batch",
            batch_id=batch_id,
            user_id=user_id,
            accepted=len(result.accepted),
            rejected=len(result.rejected),
        )
        return result

    async def _check_batch(self, batch_id: str, user_id: str) -> None:
        state = await self._batches.pipeline_state(batch_id, user_id)
        verdict = assess_batch(state, user_id)
        if verdict.acceptance is not Acceptance.ACCEPTS_FILES:
            raise BatchNotAcceptingError(batch_id, verdict)

    def _examine_all(
        self, batch_id: str, user_id: str, files: Sequence[IncomingFile]
    ) -> list[_Examined]:
        return [self._examine(batch_id, user_id, incoming) for incoming in files]

    def _examine(self, batch_id: str, user_id: str, incoming: IncomingFile) -> _Examined:
        upload = FileUpload(
            file_upload_id=str(uuid4()),
            batch_id=batch_id,
            user_id=user_id,
            file_name=incoming.file_name,
            file_sha256=incoming.sha256,
            size_bytes=len(incoming.data),
        )
        try:
            text = validated_text(incoming.file_name, incoming.data, self._limits)
        except FileRejectedError as exc:
            return _Examined(replace(upload, reason=exc.reason, message=exc.message), None)
        student = parse_student_info(text, incoming.file_name)
        return _Examined(replace(upload, student=student), text)

    async def _store_texts(
        self, examined: Sequence[_Examined], correlation_id: UUID
    ) -> list[FileUpload]:
        gate = asyncio.Semaphore(self._store_concurrency)

        async def store(item: _Examined) -> FileUpload:
            if item.text is None:
                return item.upload
            async with gate:
                storage_id = await self._store_text(item.text, correlation_id)
            return replace(item.upload, text_storage_id=storage_id)

        return list(await asyncio.gather(*(store(item) for item in examined)))

    async def _store_text(self, text: str, correlation_id: UUID) -> str:
        try:
            return await self._texts.store_text(text, correlation_id=correlation_id)
        except Exception as exc:
            if is_transient(exc):
                raise DependencyUnavailableError("content_service", type(exc).__name__) from exc
            raise


def _split_duplicates(
    files: Sequence[IncomingFile],
) -> tuple[list[IncomingFile], set[int]]:
    """The first file of each distinct content, and the positions of the repeats."""
    seen: set[str] = set()
    unique: list[IncomingFile] = []
    repeats: set[int] = set()
    for position, incoming in enumerate(files):
        digest = incoming.sha256
        if digest in seen:
            repeats.add(position)
            continue
        seen.add(digest)
        unique.append(incoming)
    return unique, repeats


def _result(
    batch_id: str,
    files: Sequence[IncomingFile],
    uploads: Sequence[FileUpload],
    recorded: set[str],
    duplicates: set[int],
) -> UploadResult:
    """The answer, in the order the files were sent."""
    result = UploadResult(batch_id)
    remaining = iter(uploads)
    for position, incoming in enumerate(files):
        if position in duplicates:
            result.rejected.append(duplicate_rejection(incoming.file_name))
            continue
        upload = next(remaining)
        if upload.file_upload_id not in recorded:
            result.rejected.append(duplicate_rejection(upload.file_name))
        elif (rejection := upload.rejection()) is not None:
            result.rejected.append(rejection)
        else:
            result.accepted.append(upload)
    return result
