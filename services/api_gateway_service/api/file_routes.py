"""`POST /v1/files/batch` (multipart: `batch_id` + `files`) → the File Service, as the caller.

The limits are checked before anything is forwarded: the declared body size first (before the
body is read), then the number of files and the size of each file and of all together.
"""

from typing import Any

from dishka import FromDishka
from dishka.integrations.fastapi import DishkaRoute
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from common_core.error_models import ErrorCode

from ..domain.uploads import (
    UploadedFile,
    UploadLimits,
    UploadRejection,
    check_declared_size,
    check_file_count,
    check_file_sizes,
)
from ..errors import GatewayError
from ..implementations.service_clients import FileClient
from ..request_context import set_batch
from .dependencies import Uploader
from .docs import error_responses
from .models import UploadResponse

router = APIRouter(prefix="/v1", route_class=DishkaRoute, tags=["files"])

_MAX_FORM_FIELDS = 10
_UPLOAD_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["batch_id", "files"],
                    "properties": {
                        "batch_id": {"type": "string", "description": "The caller's batch."},
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "Essay files (.txt, .docx, .pdf).",
                        },
                    },
                },
                "example": {"batch_id": "4b0d5c9e-8a63-4f4e-9d1e-2f7f3c1f6a10"},
            }
        },
    }
}


def _refuse(rejection: UploadRejection) -> GatewayError:
    status, code = (
        (413, ErrorCode.PAYLOAD_TOO_LARGE)
        if rejection.too_large
        else (400, ErrorCode.VALIDATION_ERROR)
    )
    return GatewayError(status, code, rejection.message, rejection.details)


def _declared_length(request: Request, limits: UploadLimits) -> None:
    raw = request.headers.get("content-length")
    if raw is None or not raw.isdigit():
        raise GatewayError(411, ErrorCode.BAD_REQUEST, "a Content-Length header is required")
    rejection = check_declared_size(int(raw), limits)
    if rejection is not None:
        raise _refuse(rejection)


def _batch_id(form: FormData) -> str:
    value = form.get("batch_id")
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise GatewayError(
            400,
            ErrorCode.VALIDATION_ERROR,
            "request validation failed",
            {
                "errors": [
                    {
                        "field": "batch_id",
                        "location": "body",
                        "message": "a batch_id form field (1-255 characters) is required",
                        "type": "missing",
                    }
                ]
            },
        )
    return value.strip()


async def _checked_files(form: FormData, limits: UploadLimits) -> list[UploadedFile]:
    storages = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
    # A form whose file input was left empty still sends a part, without name or bytes.
    storages = [item for item in storages if item.filename or item.size]
    rejection = check_file_count(len(storages), limits) or check_file_sizes(
        [(item.filename or "", item.size or 0) for item in storages], limits
    )
    if rejection is not None:
        raise _refuse(rejection)
    return [
        UploadedFile(
            item.filename or "unnamed",
            await item.read(),
            item.content_type or "application/octet-stream",
        )
        for item in storages
    ]


async def _parse_form(request: Request, limits: UploadLimits) -> FormData:
    # One file over the limit is parsed so that the count check below can name the limit.
    try:
        return await request.form(max_files=limits.max_files + 1, max_fields=_MAX_FORM_FIELDS)
    except StarletteHTTPException as exc:
        raise GatewayError(
            400, ErrorCode.VALIDATION_ERROR, f"invalid multipart body: {exc.detail}"
        ) from None


@router.post(
    "/files/batch",
    status_code=202,
    response_model=UploadResponse,
    responses=error_responses(400, 401, 404, 413, 429, 502, 503),
    openapi_extra=_UPLOAD_BODY_DOC,
    summary="Upload essay files to the caller's batch",
)
async def upload_files(
    request: Request,
    user: Uploader,
    files: FromDishka[FileClient],
    limits: FromDishka[UploadLimits],
) -> JSONResponse:
    _declared_length(request, limits)
    form = await _parse_form(request, limits)
    try:
        batch_id = _batch_id(form)
        set_batch(batch_id)
        uploads = await _checked_files(form, limits)
    finally:
        await form.close()
    status, result = await files.upload(batch_id, user.user_id, uploads)
    return JSONResponse(result, status_code=status)
