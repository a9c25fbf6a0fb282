"""Gateway errors and the standard error body `{"error": {code, message, details,
correlation_id}}` (common_core.error_models) on every 4xx/5xx answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

from common_core.error_models import ErrorCode, ErrorResponse

from .request_context import current_correlation_id


class GatewayError(Exception):
    """An expected failure answered with the standard error body."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        details: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"an error needs a 4xx/5xx status, got {status}")
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.headers: dict[str, str] = dict(headers or {})


def error_body(
    code: ErrorCode, message: str, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    correlation_id = current_correlation_id()
    body = ErrorResponse.build(
        code,
        message,
        details=details,
        correlation_id=str(correlation_id) if correlation_id else None,
    )
    return body.model_dump(mode="json")


def error_response(
    status: int,
    code: ErrorCode,
    message: str,
    details: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, details), status_code=status, headers=dict(headers or {})
    )


def not_found(what: str, **details: Any) -> GatewayError:
    return GatewayError(404, ErrorCode.NOT_FOUND, f"{what} not found", details)
