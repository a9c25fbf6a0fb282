"""Upload results, file names and upload metrics."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from services.file_service.domain.rejection import RejectionReason
from services.file_service.domain.uploads import (
    UNNAMED_FILE,
    FileUpload,
    Rejection,
    UploadResult,
    client_file_name,
    duplicate_rejection,
)
from services.file_service.upload_metrics import UploadMetrics

UPLOAD = FileUpload(
    file_upload_id="u-1",
    batch_id="b-1",
    user_id="t-1",
    file_name="essay.txt",
    file_sha256="00" * 32,
    size_bytes=10,
    text_storage_id="s-1",
)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("essay.docx", "essay.docx"),
        ("C:\\Users\\anna\\essay.docx", "essay.docx"),
        ("/home/anna/essay.pdf", "essay.pdf"),
        ("  spaced name.txt ", "spaced name.txt"),
        ("", UNNAMED_FILE),
        (None, UNNAMED_FILE),
        ("dir/", "dir"),
    ],
)
def test_client_file_name_keeps_only_the_last_path_part(sent: str | None, kept: str) -> None:
    assert client_file_name(sent) == kept


def test_result_body_has_the_documented_shape() -> None:
    result = UploadResult("b-1", [UPLOAD], [duplicate_rejection("copy.txt")])

    body = result.as_dict()

    assert body["batch_id"] == "b-1"
    assert body["accepted"] == [{"file_upload_id": "u-1", "file_name": "essay.txt"}]
    [rejected] = body["rejected"]  # type: ignore[misc]
    assert rejected["file_name"] == "copy.txt"
    assert rejected["reason"] == "duplicate_file"
    assert rejected["message"]


def test_a_rejected_upload_knows_its_rejection() -> None:
    rejected = FileUpload(
        "u-2", "b-1", "t-1", "x.png", "11" * 32, 5,
        reason=RejectionReason.UNSUPPORTED_FILE_TYPE, message="no images",
    )  # fmt: skip

    assert UPLOAD.accepted and UPLOAD.rejection() is None
    assert not rejected.accepted
    assert rejected.rejection() == Rejection(
        "x.png", RejectionReason.UNSUPPORTED_FILE_TYPE, "no images"
    )


def test_metrics_count_accepted_files_and_each_rejection_reason() -> None:
    registry = CollectorRegistry()
    metrics = UploadMetrics(registry)
    short = Rejection("s.txt", RejectionReason.CONTENT_TOO_SHORT, "short")

    metrics.record(UploadResult("b-1", [UPLOAD, UPLOAD], [short, duplicate_rejection("d.txt")]))

    def count(outcome: str) -> float | None:
        return registry.get_sample_value("file_service_uploaded_files_total", {"outcome": outcome})

    assert count("accepted") == 2
    assert count("content_too_short") == 1
    assert count("duplicate_file") == 1
    assert count("unsupported_file_type") is None
