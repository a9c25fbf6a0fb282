"""The standard HTTP error body: `{"error": {"code", "message", "details", "correlation_id"}}`."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import NonEmptyStr


class ErrorCode(StrEnum):
    """Machine-readable error codes used by every service's HTTP API."""

    BAD_REQUEST = "bad_request"
    VALIDATION_ERROR = "validation_error"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    UPSTREAM_ERROR = "upstream_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    UPSTREAM_TIMEOUT = "upstream_timeout"


HTTP_STATUS_BY_CODE: Mapping[ErrorCode, int] = MappingProxyType(
    {
        ErrorCode.BAD_REQUEST: 400,
        ErrorCode.VALIDATION_ERROR: 400,
        ErrorCode.UNAUTHORIZED: 401,
        ErrorCode.FORBIDDEN: 403,
        ErrorCode.NOT_FOUND: 404,
        ErrorCode.METHOD_NOT_ALLOWED: 405,
        ErrorCode.CONFLICT: 409,
        ErrorCode.PAYLOAD_TOO_LARGE: 413,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
        ErrorCode.RATE_LIMITED: 429,
        ErrorCode.INTERNAL_ERROR: 500,
        ErrorCode.UPSTREAM_ERROR: 502,
        ErrorCode.SERVICE_UNAVAILABLE: 503,
        ErrorCode.UPSTREAM_TIMEOUT: 504,
    }
)
"""The default HTTP status of each error code."""


def error_code_for_status(status: int) -> ErrorCode:
    """The error code matching an HTTP status (internal_error / bad_request as fallbacks)."""
    for code, code_status in HTTP_STATUS_BY_CODE.items():
        if code_status == status:
            return code
    return ErrorCode.INTERNAL_ERROR if status >= 500 else ErrorCode.BAD_REQUEST


class ErrorDetail(BaseModel):
    """What went wrong, for humans and machines."""

    model_config = ConfigDict(frozen=True)

    code: ErrorCode = Field(description="Machine-readable error code.")
    message: NonEmptyStr = Field(description="Human-readable explanation (no stack traces).")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Extra structured information, e.g. invalid fields."
    )
    correlation_id: str | None = Field(
        default=None, description="The request's X-Correlation-ID, for support and logs."
    )

    @property
    def http_status(self) -> int:
        """The default HTTP status of `code`."""
        return HTTP_STATUS_BY_CODE[self.code]


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx response."""

    model_config = ConfigDict(frozen=True)

    error: ErrorDetail = Field(description="The error.")

    @classmethod
    def build(
        cls,
        code: ErrorCode,
        message: str,
        *,
        details: Mapping[str, Any] | None = None,
        correlation_id: str | None = None,
    ) -> ErrorResponse:
        """Build an error body from its parts."""
        detail = ErrorDetail(
            code=code,
            message=message,
            details=dict(details or {}),
            correlation_id=correlation_id,
        )
        return cls(error=detail)
