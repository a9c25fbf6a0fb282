"""Every error answer of the gateway carries the standard body with the correlation id:
gateway errors, request validation errors (400 `validation_error` with the field errors),
Starlette's HTTP errors (404 unknown route, 405 wrong method, ...). Unexpected exceptions are
answered by `RequestContextMiddleware` (500 without internals)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from common_core.error_models import ErrorCode, error_code_for_status

from .errors import GatewayError, error_response

_KEPT_HEADERS = ("allow", "www-authenticate", "retry-after")


def validation_details(exc: RequestValidationError) -> dict[str, Any]:
    """The field errors, without echoing the rejected input back."""
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        field = ".".join(location[1:]) or (location[0] if location else "body")
        message = str(error.get("msg", "invalid value"))
        if error.get("type") == "json_invalid":
            # FastAPI puts the character offset where a field would be: name the body instead.
            field = "body"
            reason = (error.get("ctx") or {}).get("error")
            offset = ".".join(location[1:])
            message = f"{message} at character {offset}" if offset else message
            message = f"{message}: {reason}" if reason else message
        errors.append(
            {
                "field": field,
                "location": location[0] if location else "body",
                "message": message,
                "type": str(error.get("type", "value_error")),
            }
        )
    return {"errors": errors}


async def _gateway_error(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, GatewayError):
        raise exc
    return error_response(exc.status, exc.code, exc.message, exc.details, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise exc
    return error_response(
        400, ErrorCode.VALIDATION_ERROR, "request validation failed", validation_details(exc)
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):
        raise exc
    headers = {
        name: value for name, value in (exc.headers or {}).items() if name.lower() in _KEPT_HEADERS
    }
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else "error"
    return error_response(
        exc.status_code, error_code_for_status(exc.status_code), message, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
