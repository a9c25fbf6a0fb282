"""Batch registration and readiness events (BOS, File Service, ELS)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from common_core.events.base import EventData
from common_core.field_types import Count, EntityId, NonEmptyStr, UtcDatetime


class BatchEssaysRegistered(EventData):
    """BOS registered a batch: its essay slots, size and owner (no course context)."""

    batch_id: EntityId = Field(description="Id of the registered batch.")
    user_id: EntityId = Field(description="Id of the teacher who owns the batch.")
    expected_essay_count: int = Field(ge=1, description="Number of essays the batch expects.")
    essay_ids: list[EntityId] = Field(
        min_length=1, description="Ids of the essay slots, one per expected essay."
    )
    readiness_deadline: UtcDatetime = Field(
        description="When ELS gives up waiting for missing content (UTC)."
    )

    @model_validator(mode="after")
    def _one_unique_id_per_expected_essay(self) -> Self:
        if len(self.essay_ids) != self.expected_essay_count:
            raise ValueError("essay_ids must hold exactly expected_essay_count ids")
        if len(set(self.essay_ids)) != len(self.essay_ids):
            raise ValueError("essay_ids must be unique")
        return self


class EssayContentReady(EventData):
    """The File Service stored the extracted text of one uploaded file."""

    batch_id: EntityId = Field(description="Batch the file was uploaded to.")
    file_upload_id: EntityId = Field(description="Id of the uploaded file.")
    original_file_name: NonEmptyStr = Field(description="File name as uploaded.")
    text_storage_id: EntityId = Field(description="Content Service id of the extracted text.")
    student_name: str | None = Field(
        default=None, description="Student name parsed from the text, if found."
    )
    student_email: str | None = Field(
        default=None, description="Student e-mail parsed from the text, if found."
    )
    name_confidence: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Confidence (0-1) of the parsed student name."
    )
    essay_id: EntityId | None = Field(
        default=None, description="Optional essay slot hint; ELS assigns slots and may ignore it."
    )


class EssayValidationFailed(EventData):
    """An uploaded file could not be used (e.g. unsupported type, no text)."""

    batch_id: EntityId = Field(description="Batch the file was uploaded to.")
    file_upload_id: EntityId = Field(description="Id of the uploaded file.")
    original_file_name: NonEmptyStr = Field(description="File name as uploaded.")
    reason_code: EntityId = Field(
        description="Machine-readable reason, e.g. unsupported_file_type, empty_content, "
        "text_extraction_failed, content_too_short, content_too_long."
    )
    message: NonEmptyStr = Field(description="Human-readable explanation.")


class ExcessContentProvisionedV1(EventData):
    """Content arrived for a batch whose essay slots were all filled already."""

    batch_id: EntityId = Field(description="Batch that received too much content.")
    file_upload_id: EntityId = Field(description="Id of the surplus uploaded file.")
    original_file_name: NonEmptyStr = Field(description="File name as uploaded.")
    text_storage_id: EntityId = Field(description="Content Service id of its text.")


class ReadyEssay(EventData):
    """One usable essay of a ready batch."""

    essay_id: EntityId = Field(description="Essay slot the content was assigned to.")
    file_upload_id: EntityId = Field(description="Id of the uploaded file.")
    original_file_name: NonEmptyStr = Field(description="File name as uploaded.")
    text_storage_id: EntityId = Field(description="Content Service id of the essay text.")
    student_name: str | None = Field(default=None, description="Parsed student name, if any.")
    student_email: str | None = Field(default=None, description="Parsed student e-mail, if any.")


class FailedFile(EventData):
    """One uploaded file of a batch that failed validation."""

    file_upload_id: EntityId = Field(description="Id of the uploaded file.")
    original_file_name: NonEmptyStr = Field(description="File name as uploaded.")
    reason_code: EntityId = Field(description="Machine-readable validation failure reason.")


class BatchEssaysReady(EventData):
    """Every essay slot of the batch is filled (with content or a failure).

    With no usable essay (`essays` empty, every slot a failed file) the batch has failed: BOS
    marks it failed.
    """

    batch_id: EntityId = Field(description="The ready batch.")
    essays: list[ReadyEssay] = Field(
        description="The usable essays; empty when no file was usable, which fails the batch."
    )
    failed_files: list[FailedFile] = Field(
        default_factory=list, description="Uploaded files that failed validation."
    )

    @model_validator(mode="after")
    def _unique_essay_ids(self) -> Self:
        ids = [essay.essay_id for essay in self.essays]
        if len(set(ids)) != len(ids):
            raise ValueError("essays must have unique essay_id values")
        if not ids and not self.failed_files:
            raise ValueError("a ready batch lists at least one essay or one failed file")
        return self


class BatchReadinessTimeout(EventData):
    """The readiness deadline passed while essay slots were still empty."""

    batch_id: EntityId = Field(description="The batch that timed out.")
    missing_essay_ids: list[EntityId] = Field(
        min_length=1, description="Essay slots that never received content."
    )
    ready_essay_count: Count = Field(description="Slots filled with usable content.")
