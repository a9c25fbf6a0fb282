"""An essay slot of a batch and the file that fills it (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from common_core.status_enums import EssayStatus


class FileOutcome(StrEnum):
    """What the File Service made of an uploaded file."""

    CONTENT = "content"  # text extracted and stored (EssayContentReady)
    FAILED = "failed"  # unusable (EssayValidationFailed)


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """One uploaded file announced by the File Service, usable or not."""

    batch_id: str
    file_upload_id: str
    original_file_name: str
    outcome: FileOutcome
    text_storage_id: str | None = None
    student_name: str | None = None
    student_email: str | None = None
    reason_code: str | None = None
    message: str | None = None
    essay_id_hint: str | None = None

    def __post_init__(self) -> None:
        if self.outcome is FileOutcome.CONTENT and not self.text_storage_id:
            raise ValueError("a usable file needs its text_storage_id")
        if self.outcome is FileOutcome.FAILED and not self.reason_code:
            raise ValueError("a failed file needs its reason_code")


@dataclass(frozen=True, slots=True)
class Slot:
    """One essay slot of a batch; `file` is None while it waits for content."""

    essay_id: str
    position: int
    file: IncomingFile | None = None
    status: EssayStatus = EssayStatus.AWAITING_CONTENT

    @property
    def is_free(self) -> bool:
        return self.file is None

    @property
    def file_upload_id(self) -> str | None:
        return self.file.file_upload_id if self.file is not None else None
