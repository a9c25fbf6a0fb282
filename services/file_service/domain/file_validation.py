"""Whether an uploaded file yields a usable essay text, and that text."""

from __future__ import annotations

from dataclasses import dataclass

from services.file_service.domain.rejection import FileRejectedError, RejectionReason
from services.file_service.domain.text_extraction import (
    SUPPORTED_EXTENSIONS,
    extract_text,
    file_extension,
    unsupported_type_error,
)


@dataclass(frozen=True)
class FileLimits:
    max_file_bytes: int
    min_text_chars: int
    max_text_chars: int


def _check_type_and_size(file_name: str, size: int, limits: FileLimits) -> None:
    extension = file_extension(file_name)
    if extension not in SUPPORTED_EXTENSIONS:
        raise unsupported_type_error(extension)
    if size > limits.max_file_bytes:
        raise FileRejectedError(
            RejectionReason.FILE_TOO_LARGE,
            f"The file has {size} bytes; the limit is {limits.max_file_bytes} bytes.",
        )
    if size == 0:
        raise FileRejectedError(RejectionReason.EMPTY_CONTENT, "The file is empty.")


def _check_text_length(text: str, limits: FileLimits) -> None:
    if not text:
        raise FileRejectedError(RejectionReason.EMPTY_CONTENT, "The file contains no text.")
    if len(text) < limits.min_text_chars:
        raise FileRejectedError(
            RejectionReason.CONTENT_TOO_SHORT,
            f"The text has {len(text)} characters; at least {limits.min_text_chars} are needed.",
        )
    if len(text) > limits.max_text_chars:
        raise FileRejectedError(
            RejectionReason.CONTENT_TOO_LONG,
            f"The text has {len(text)} characters; at most {limits.max_text_chars} are allowed.",
        )


def validated_text(file_name: str, data: bytes, limits: FileLimits) -> str:
    """The essay text of the file; :class:`FileRejectedError` when it is not usable.

    Checks run cheapest first, so an unsupported or oversized file is never parsed.
    """
    _check_type_and_size(file_name, len(data), limits)
    text = extract_text(file_name, data)
    _check_text_length(text, limits)
    return text
