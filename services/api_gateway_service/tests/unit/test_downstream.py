"""How failures of BOS, File and RAS reach the client."""

from __future__ import annotations

import json

import aiohttp
import pytest

from common_core.error_models import ErrorCode
from huleedu_service_libs.errors import CircuitOpenError, HttpStatusError
from services.api_gateway_service.implementations.downstream import downstream_error


def standard_body(code: str, message: str, details: dict[str, object]) -> str:
    return json.dumps({"error": {"code": code, "message": message, "details": details}})


def test_a_downstream_client_error_passes_through() -> None:
    body = standard_body("conflict", "a pipeline is already running", {"batch_id": "b"})

    error = downstream_error("file_service", HttpStatusError(409, body))

    assert (error.status, error.code, error.message) == (
        409,
        ErrorCode.CONFLICT,
        "a pipeline is already running",
    )
    assert error.details == {"batch_id": "b"}


def test_a_client_error_without_the_standard_body_gets_a_generic_message() -> None:
    error = downstream_error("batch_orchestrator_service", HttpStatusError(400, "<html>"))

    assert (error.status, error.code) == (400, ErrorCode.BAD_REQUEST)
    assert "<html>" not in error.message


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (HttpStatusError(500, "boom"), 502, ErrorCode.UPSTREAM_ERROR),
        (HttpStatusError(429, ""), 502, ErrorCode.UPSTREAM_ERROR),
        (CircuitOpenError("open"), 503, ErrorCode.SERVICE_UNAVAILABLE),
        (ConnectionRefusedError(111, "refused"), 503, ErrorCode.SERVICE_UNAVAILABLE),
        (aiohttp.ClientConnectionError("reset"), 503, ErrorCode.SERVICE_UNAVAILABLE),
        (TimeoutError(), 504, ErrorCode.UPSTREAM_TIMEOUT),
    ],
)
def test_server_side_failures(exc: Exception, status: int, code: ErrorCode) -> None:
    error = downstream_error("result_aggregator_service", exc)

    assert (error.status, error.code) == (status, code)
    assert error.details == {"service": "result_aggregator_service"}
    assert "boom" not in error.message


def test_a_programming_error_is_not_disguised() -> None:
    with pytest.raises(KeyError):
        downstream_error("file_service", KeyError("bug"))
