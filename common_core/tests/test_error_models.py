"""The standard HTTP error body and error codes."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from common_core.error_models import (
    HTTP_STATUS_BY_CODE,
    ErrorCode,
    ErrorDetail,
    ErrorResponse,
    error_code_for_status,
)

REQUIRED_CODES = {
    "validation_error": 400,
    "not_found": 404,
    "unauthorized": 401,
    "forbidden": 403,
    "conflict": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "service_unavailable": 503,
    "internal_error": 500,
}


def test_body_has_exactly_the_documented_shape() -> None:
    body = ErrorResponse.build(ErrorCode.NOT_FOUND, "Batch not found.", correlation_id="c-1")
    assert json.loads(body.model_dump_json()) == {
        "error": {
            "code": "not_found",
            "message": "Batch not found.",
            "details": {},
            "correlation_id": "c-1",
        }
    }


@pytest.mark.parametrize(("code", "status"), sorted(REQUIRED_CODES.items()))
def test_required_codes_and_their_statuses(code: str, status: int) -> None:
    assert HTTP_STATUS_BY_CODE[ErrorCode(code)] == status
    assert ErrorDetail(code=ErrorCode(code), message="m").http_status == status
    assert HTTP_STATUS_BY_CODE[error_code_for_status(status)] == status


def test_every_code_has_an_error_status() -> None:
    assert set(HTTP_STATUS_BY_CODE) == set(ErrorCode)
    assert all(400 <= status < 600 for status in HTTP_STATUS_BY_CODE.values())


def test_unmapped_statuses_fall_back_by_class() -> None:
    assert error_code_for_status(418) is ErrorCode.BAD_REQUEST
    assert error_code_for_status(507) is ErrorCode.INTERNAL_ERROR


def test_unknown_code_and_empty_message_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ErrorDetail.model_validate({"code": "oops", "message": "m"})
    with pytest.raises(ValidationError):
        ErrorDetail(code=ErrorCode.CONFLICT, message=" ")
