"""Why an uploaded file was not accepted (the reason codes clients and events carry)."""

from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_CONTENT = "empty_content"
    TEXT_EXTRACTION_FAILED = "text_extraction_failed"
    CONTENT_TOO_SHORT = "content_too_short"
    CONTENT_TOO_LONG = "content_too_long"
    DUPLICATE_FILE = "duplicate_file"

    @property
    def fills_slot(self) -> bool:
        """Whether the rejection is announced (EssayValidationFailed) and so fills an essay
        slot as failed. A duplicate is only reported: it is the same essay uploaded again."""
        return self is not RejectionReason.DUPLICATE_FILE


class FileRejectedError(Exception):
    """A file cannot be used; ``reason`` says why in machine terms, ``message`` for people."""

    def __init__(self, reason: RejectionReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
