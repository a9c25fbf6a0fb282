"""Upload limits and the multipart body forwarded to the File Service."""

from __future__ import annotations

import pytest
from starlette.datastructures import UploadFile
from starlette.requests import Request

from services.api_gateway_service.domain.uploads import (
    LimitBreach,
    UploadedFile,
    UploadLimits,
    check_declared_size,
    check_file_count,
    check_file_sizes,
    encode_multipart,
)

LIMITS = UploadLimits(max_files=3, max_file_bytes=100, max_total_bytes=250)


@pytest.mark.parametrize(
    ("count", "breach"), [(0, LimitBreach.NO_FILES), (4, LimitBreach.TOO_MANY_FILES), (3, None)]
)
def test_file_count(count: int, breach: LimitBreach | None) -> None:
    rejection = check_file_count(count, LIMITS)

    assert (rejection.breach if rejection else None) == breach


def test_one_file_too_large_is_named() -> None:
    rejection = check_file_sizes([("a.txt", 10), ("big.txt", 101)], LIMITS)

    assert rejection is not None
    assert rejection.breach is LimitBreach.FILE_TOO_LARGE and rejection.too_large
    assert rejection.details["file_name"] == "big.txt"


def test_total_size_is_limited_even_when_each_file_fits() -> None:
    rejection = check_file_sizes([("a", 100), ("b", 100), ("c", 51)], LIMITS)

    assert rejection is not None and rejection.breach is LimitBreach.UPLOAD_TOO_LARGE
    assert check_file_sizes([("a", 100), ("b", 100), ("c", 50)], LIMITS) is None


def test_declared_size() -> None:
    assert check_declared_size(250, LIMITS) is None
    rejection = check_declared_size(251, LIMITS)
    assert rejection is not None and rejection.too_large


async def parse_form(body: bytes, content_type: str) -> dict[str, object]:
    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"content-type", content_type.encode())],
    }
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(scope, receive).form()
    parsed: dict[str, object] = {"batch_id": form.get("batch_id")}
    files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
    parsed["files"] = [(f.filename, await f.read(), f.content_type) for f in files]
    return parsed


async def test_multipart_body_round_trips_through_a_standard_parser() -> None:
    files = [
        UploadedFile("anna svensson.txt", b"Hej, jag heter Anna.\r\n--x", "text/plain"),
        UploadedFile('odd "name".docx', b"\x00\x01binary", "application/octet-stream"),
    ]
    body, content_type = encode_multipart(
        [("batch_id", "batch-1")], [("files", upload) for upload in files]
    )

    parsed = await parse_form(body, content_type)

    assert parsed["batch_id"] == "batch-1"
    assert parsed["files"] == [
        ("anna svensson.txt", b"Hej, jag heter Anna.\r\n--x", "text/plain"),
        ("odd %22name%22.docx", b"\x00\x01binary", "application/octet-stream"),
    ]
