"""JSON errors for Quart services.

Every 4xx/5xx answer has the body ``{"error": {"code", "message", "details", "correlation_id"}}``
(``common_core.error_models``). Handlers raise :class:`ApiError` for expected failures; pydantic
validation errors become 400 ``validation_error`` with the field errors; anything unexpected
becomes 500 ``internal_error`` without a stack trace or the exception text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from pydantic import ValidationError
from quart import Quart, Response
from werkzeug.exceptions import HTTPException

from common_core.error_models import ErrorCode, ErrorResponse, error_code_for_status
from huleedu_service_libs.correlation import current_correlation_id

__all__ = [
    "ApiError",
    "ErrorCode",
    "error_response",
    "install_error_handlers",
    "validation_details",
]

logger = structlog.stdlib.get_logger(__name__)


class ApiError(Exception):
    """An expected failure to answer with a JSON error body, e.g.
    ``raise ApiError(404, ErrorCode.NOT_FOUND, "batch not found", {"batch_id": batch_id})``."""

    def __init__(
        self,
        status: int,
        code: ErrorCode | str,
        message: str,
        details: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"an API error needs a 4xx/5xx status, got {status}")
        super().__init__(message)
        self.status = status
        self.code = ErrorCode(code)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.headers: dict[str, str] = dict(headers or {})


def error_response(
    status: int,
    code: ErrorCode | str,
    message: str,
    details: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response with the standard error body and the current request's correlation id."""
    correlation_id = current_correlation_id()
    body = ErrorResponse.build(
        ErrorCode(code),
        message,
        details=details,
        correlation_id=str(correlation_id) if correlation_id is not None else None,
    )
    response = Response(body.model_dump_json(), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_details(exc: ValidationError) -> dict[str, Any]:
    """Field errors of a pydantic ValidationError without the rejected input values."""
    errors = [
        {
            "field": ".".join(str(part) for part in error["loc"]) or "body",
            "message": error["msg"],
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
    return {"errors": errors}


async def _handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.details, headers=exc.headers)


async def _handle_validation_error(exc: ValidationError) -> Response:
    return error_response(
        400, ErrorCode.VALIDATION_ERROR, "request validation failed", validation_details(exc)
    )


async def _handle_http_exception(exc: HTTPException) -> Response | HTTPException:
    status = exc.code
    if status is None or status < 400:
        return exc  # redirects and other non-errors keep Quart's own answer
    headers = {}
    allowed = exc.get_headers()
    for name, value in allowed:
        if name.lower() == "allow":
            headers["Allow"] = value
    message = exc.description or exc.name
    return error_response(status, error_code_for_status(status), message, headers=headers)


async def _handle_unexpected(exc: Exception) -> Response:
    logger.exception("unhandled error while handling a request", error_type=type(exc).__name__)
    return error_response(500, ErrorCode.INTERNAL_ERROR, "internal server error")


def install_error_handlers(app: Quart) -> None:
    """Answer every error of ``app`` with the standard JSON body."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
