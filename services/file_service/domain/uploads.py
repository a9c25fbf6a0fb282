"""What the File Service knows about one uploaded file and what an upload request returns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath

from services.file_service.domain.rejection import RejectionReason
from services.file_service.domain.student_info import StudentInfo

UNNAMED_FILE = "unnamed_file"


def client_file_name(sent: str | None) -> str:
    """The name to keep for an uploaded file: some browsers send a client-side path, of which
    only the last part names the file."""
    name = PurePosixPath((sent or "").replace("\\", "/")).name.strip()
    return name or UNNAMED_FILE


@dataclass(frozen=True)
class IncomingFile:
    file_name: str
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class FileUpload:
    """One examined file of a batch: accepted (with its stored text) or rejected."""

    file_upload_id: str
    batch_id: str
    user_id: str
    file_name: str
    file_sha256: str
    size_bytes: int
    text_storage_id: str | None = None
    student: StudentInfo | None = None
    reason: RejectionReason | None = None
    message: str | None = None

    @property
    def accepted(self) -> bool:
        return self.reason is None

    def rejection(self) -> Rejection | None:
        if self.reason is None:
            return None
        return Rejection(self.file_name, self.reason, self.message or self.reason.value)


@dataclass(frozen=True)
class Rejection:
    file_name: str
    reason: RejectionReason
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"file_name": self.file_name, "reason": self.reason.value, "message": self.message}


@dataclass(frozen=True)
class UploadResult:
    batch_id: str
    accepted: list[FileUpload] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id,
            "accepted": [
                {"file_upload_id": upload.file_upload_id, "file_name": upload.file_name}
                for upload in self.accepted
            ],
            "rejected": [rejection.as_dict() for rejection in self.rejected],
        }


def duplicate_rejection(file_name: str) -> Rejection:
    return Rejection(
        file_name,
        RejectionReason.DUPLICATE_FILE,
        "An identical file has already been uploaded to this batch.",
    )
