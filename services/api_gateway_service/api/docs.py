"""OpenAPI: the error answers (the standard error body, with examples) and a schema without
FastAPI's default 422 answers (validation errors are 400 `validation_error` here)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from common_core.error_models import ErrorCode, ErrorResponse, error_code_for_status

CORRELATION_EXAMPLE = "0f6f3c1e-2b7d-4d8a-9a51-6a9e3b8f2c44"
_MESSAGES: dict[int, str] = {
    400: "request validation failed",
    401: "missing bearer token",
    404: "batch not found",
    413: "the upload is larger than 33554432 bytes",
    429: "rate limit exceeded; retry later",
    502: "batch_orchestrator_service failed to answer",
    503: "the event bus (Kafka) is unavailable; the pipeline was not requested — retry later",
    504: "result_aggregator_service did not answer in time",
}
_FASTAPI_422_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _example(status: int) -> dict[str, Any]:
    code: ErrorCode = error_code_for_status(status)
    message = _MESSAGES.get(status, code.value)
    body = ErrorResponse.build(code, message, correlation_id=CORRELATION_EXAMPLE)
    return body.model_dump(mode="json")


class ErrorDetailDoc(BaseModel):
    """What went wrong (`common_core.error_models.ErrorDetail`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_example(404)["error"]]})

    code: ErrorCode
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    correlation_id: str | None = None


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer (`common_core.error_models.ErrorResponse`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_example(404)]})

    error: ErrorDetailDoc


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for FastAPI routes: the error body model and an example each."""
    return {
        status: {
            "model": ErrorBody,
            "description": _MESSAGES.get(status, "error"),
            "content": {"application/json": {"example": _example(status)}},
        }
        for status in statuses
    }


def install_openapi(app: FastAPI) -> None:
    """Serve the schema without the 422 answers FastAPI documents by default."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            for name in _FASTAPI_422_SCHEMAS:
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
