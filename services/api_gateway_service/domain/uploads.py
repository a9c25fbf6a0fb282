"""Upload limits (file count, size of each file, size of the whole upload) and the multipart
body the gateway forwards to the File Service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class UploadLimits:
    max_files: int
    max_file_bytes: int
    max_total_bytes: int


@dataclass(frozen=True)
class UploadedFile:
    file_name: str
    data: bytes
    content_type: str = "application/octet-stream"


class LimitBreach(StrEnum):
    NO_FILES = "no_files"
    TOO_MANY_FILES = "too_many_files"
    FILE_TOO_LARGE = "file_too_large"
    UPLOAD_TOO_LARGE = "upload_too_large"


@dataclass(frozen=True)
class UploadRejection:
    breach: LimitBreach
    message: str
    details: dict[str, object]

    @property
    def too_large(self) -> bool:
        return self.breach in (LimitBreach.FILE_TOO_LARGE, LimitBreach.UPLOAD_TOO_LARGE)


def check_declared_size(content_length: int, limits: UploadLimits) -> UploadRejection | None:
    """Refuse a body announced larger than the whole-upload limit before reading it."""
    if content_length > limits.max_total_bytes:
        return _too_large_upload(content_length, limits)
    return None


def check_file_count(count: int, limits: UploadLimits) -> UploadRejection | None:
    if count == 0:
        return UploadRejection(LimitBreach.NO_FILES, "at least one file is required", {})
    if count > limits.max_files:
        return UploadRejection(
            LimitBreach.TOO_MANY_FILES,
            f"too many files: at most {limits.max_files} per upload",
            {"max_files": limits.max_files, "files": count},
        )
    return None


def check_file_sizes(
    sizes: Sequence[tuple[str, int]], limits: UploadLimits
) -> UploadRejection | None:
    """The first limit `sizes` (file name, bytes) breaks, or None."""
    for name, size in sizes:
        if size > limits.max_file_bytes:
            return UploadRejection(
                LimitBreach.FILE_TOO_LARGE,
                f"file {name!r} is larger than {limits.max_file_bytes} bytes",
                {"file_name": name, "max_file_bytes": limits.max_file_bytes, "size": size},
            )
    total = sum(size for _name, size in sizes)
    if total > limits.max_total_bytes:
        return _too_large_upload(total, limits)
    return None


def _too_large_upload(size: int, limits: UploadLimits) -> UploadRejection:
    return UploadRejection(
        LimitBreach.UPLOAD_TOO_LARGE,
        f"the upload is larger than {limits.max_total_bytes} bytes",
        {"max_upload_bytes": limits.max_total_bytes, "size": size},
    )


def _quote(value: str) -> str:
    # As browsers do for form-data names (RFC 7578 4.2): no raw quotes or line breaks.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(
    fields: Sequence[tuple[str, str]],
    files: Sequence[tuple[str, UploadedFile]],
    *,
    boundary: str | None = None,
) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type header value."""
    boundary = boundary or f"huleedu-{uuid.uuid4().hex}"
    marker = f"--{boundary}\r\n".encode()
    chunks: list[bytes] = []
    for name, value in fields:
        chunks += [
            marker,
            f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'.encode(),
            value.encode(),
            b"\r\n",
        ]
    for name, upload in files:
        disposition = (
            f'Content-Disposition: form-data; name="{_quote(name)}"; '
            f'filename="{_quote(upload.file_name)}"\r\n'
        )
        chunks += [
            marker,
            disposition.encode(),
            f"Content-Type: {upload.content_type}\r\n\r\n".encode(),
            upload.data,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
