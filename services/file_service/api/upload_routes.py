"""``POST /v1/files/batch``: multipart ``batch_id`` + ``files``, the user in ``X-User-ID``."""

from __future__ import annotations

from dishka import FromDishka
from pydantic import BaseModel, Field
from quart import Blueprint, request
from quart.datastructures import FileStorage
from quart_dishka import inject
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from common_core.field_types import EntityId
from huleedu_service_libs.api_errors import ApiError, ErrorCode
from huleedu_service_libs.correlation import current_correlation_id
from huleedu_service_libs.logging import bind_context
from services.file_service.config import FileSettings
from services.file_service.domain.batch_acceptance import Acceptance
from services.file_service.domain.uploads import IncomingFile, client_file_name
from services.file_service.intake import BatchNotAcceptingError, FileIntake
from services.file_service.protocols import DependencyUnavailableError
from services.file_service.upload_metrics import UploadMetrics

USER_ID_HEADER = "X-User-ID"

upload_bp = Blueprint("uploads", __name__)


class UploadRequest(BaseModel):
    batch_id: EntityId
    user_id: EntityId = Field(description=f"From the gateway's {USER_ID_HEADER} header.")


def _request_too_large(settings: FileSettings) -> ApiError:
    return ApiError(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        "the upload exceeds the request size limit",
        {"max_request_bytes": settings.max_request_bytes},
    )


async def _read_form(settings: FileSettings) -> tuple[MultiDict[str, str], list[FileStorage]]:
    """The form fields and files; 413 as soon as the body is known to exceed the limit
    (from its Content-Length, or while it is read: the app's MAX_CONTENT_LENGTH)."""
    length = request.content_length
    if length is not None and length > settings.max_request_bytes:
        raise _request_too_large(settings)
    try:
        form = await request.form
        files = await request.files
    except RequestEntityTooLarge:
        raise _request_too_large(settings) from None
    return form, files.getlist("files")


def _incoming_files(storages: list[FileStorage], settings: FileSettings) -> list[IncomingFile]:
    sent = [(s.filename, IncomingFile(client_file_name(s.filename), s.read())) for s in storages]
    # A form whose file input was left empty still sends a part, without name or bytes.
    incoming = [file for sent_name, file in sent if sent_name or file.data]
    if not incoming:
        raise ApiError(400, ErrorCode.VALIDATION_ERROR, "at least one file is required")
    if len(incoming) > settings.max_files_per_request:
        raise ApiError(
            400,
            ErrorCode.VALIDATION_ERROR,
            "too many files in one request",
            {"max_files_per_request": settings.max_files_per_request},
        )
    return incoming


def _not_accepting(exc: BatchNotAcceptingError) -> ApiError:
    details: dict[str, object] = {"batch_id": exc.batch_id}
    acceptance = exc.verdict.acceptance
    if acceptance is Acceptance.NOT_FOUND:
        return ApiError(404, ErrorCode.NOT_FOUND, "batch not found", details)
    details["batch_status"] = exc.verdict.batch_status
    if acceptance is Acceptance.PIPELINE_RUNNING:
        return ApiError(
            409, ErrorCode.CONFLICT, "a pipeline is already running for this batch", details
        )
    return ApiError(409, ErrorCode.CONFLICT, "the batch no longer accepts files", details)


@upload_bp.post("/v1/files/batch")
@inject
async def upload_batch_files(
    intake: FromDishka[FileIntake],
    settings: FromDishka[FileSettings],
    metrics: FromDishka[UploadMetrics],
) -> tuple[dict[str, object], int]:
    form, storages = await _read_form(settings)
    upload = UploadRequest(
        batch_id=form.get("batch_id", ""), user_id=request.headers.get(USER_ID_HEADER, "")
    )
    files = _incoming_files(storages, settings)
    correlation_id = current_correlation_id()
    if correlation_id is None:
        raise RuntimeError("the correlation-id hook did not run")
    with bind_context(batch_id=upload.batch_id, user_id=upload.user_id):
        try:
            result = await intake.upload(upload.batch_id, upload.user_id, files, correlation_id)
        except BatchNotAcceptingError as exc:
            raise _not_accepting(exc) from None
        except DependencyUnavailableError as exc:
            raise ApiError(
                503,
                ErrorCode.SERVICE_UNAVAILABLE,
                "a service the upload depends on is unavailable; try again later",
                {"dependency": exc.dependency},
            ) from None
    metrics.record(result)
    return result.as_dict(), 202
