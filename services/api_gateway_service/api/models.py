"""Request and response bodies of the public API, with the examples shown in /docs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from common_core.field_types import EntityId, NonEmptyStr
from common_core.status_enums import BatchClientStatus, CourseCode

BATCH_ID_EXAMPLE = "4b0d5c9e-8a63-4f4e-9d1e-2f7f3c1f6a10"
CORRELATION_EXAMPLE = "0f6f3c1e-2b7d-4d8a-9a51-6a9e3b8f2c44"


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class RegisterBatchRequest(BaseModel):
    """A new batch. The owner is the authenticated user: a `user_id` in the body is refused
    (400), never trusted."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "expected_essay_count": 3,
                    "course_code": "ENG5",
                    "essay_instructions": "Should schools ban mobile phones? Argue for your view.",
                    "class_designation": "9B",
                }
            ]
        },
    )

    expected_essay_count: int = Field(ge=1, description="How many essays the batch will hold.")
    course_code: CourseCode = Field(description="The course the essays were written for.")
    essay_instructions: NonEmptyStr = Field(description="The assignment given to the students.")
    class_designation: str | None = Field(
        default=None, max_length=255, description="Optional class name."
    )
    essay_ids: list[EntityId] | None = Field(
        default=None, description="Optional ids of the essay slots (generated when absent)."
    )


class RegisterBatchResponse(BaseModel):
    model_config = _examples(
        {
            "batch_id": BATCH_ID_EXAMPLE,
            "correlation_id": CORRELATION_EXAMPLE,
            "status": "registered",
            "essay_ids": ["essay-1", "essay-2", "essay-3"],
        }
    )

    batch_id: str
    correlation_id: str
    status: str
    essay_ids: list[str]


class PipelineRequestBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"requested_pipeline": "cj_assessment"}]}
    )

    requested_pipeline: EntityId = Field(description="One of: spellcheck, cj_assessment.")


class PipelineAcceptedResponse(BaseModel):
    model_config = _examples(
        {"status": "accepted", "batch_id": BATCH_ID_EXAMPLE, "correlation_id": CORRELATION_EXAMPLE}
    )

    status: Literal["accepted"] = "accepted"
    batch_id: str
    correlation_id: str = Field(description="Follow the request in logs and notifications.")


class AcceptedFile(BaseModel):
    model_config = _examples({"file_upload_id": "f-1", "file_name": "anna_svensson.docx"})

    file_upload_id: str
    file_name: str


class RejectedFile(BaseModel):
    model_config = _examples(
        {"file_name": "notes.xls", "reason": "unsupported_file_type", "message": "..."}
    )

    file_name: str
    reason: str
    message: str


class UploadResponse(BaseModel):
    model_config = _examples(
        {
            "batch_id": BATCH_ID_EXAMPLE,
            "accepted": [{"file_upload_id": "f-1", "file_name": "anna_svensson.docx"}],
            "rejected": [],
        }
    )

    batch_id: str
    accepted: list[AcceptedFile]
    rejected: list[RejectedFile]


class PhaseProgress(BaseModel):
    model_config = _examples({"status": "in_progress", "total": 3, "successful": 1, "failed": 0})

    status: str
    total: int
    successful: int
    failed: int


class EssaySummary(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "essay_id": "essay-1",
                    "file_name": "anna_svensson.docx",
                    "student_name": "Anna Svensson",
                    "spellcheck_status": "success",
                    "correction_count": 4,
                    "cj_rank": 1,
                    "cj_score": 1.42,
                }
            ]
        },
    )

    essay_id: str


class BatchStatusView(BaseModel):
    """The batch as RAS sees it; `status` is the client status RAS computed, unchanged."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "batch_id": BATCH_ID_EXAMPLE,
                    "user_id": "teacher-1",
                    "status": "processing",
                    "requested_pipeline": "cj_assessment",
                    "current_phase": "spellcheck",
                    "phases": {
                        "spellcheck": {
                            "status": "in_progress",
                            "total": 3,
                            "successful": 1,
                            "failed": 0,
                        }
                    },
                    "essays": [{"essay_id": "essay-1", "correction_count": 4}],
                }
            ]
        },
    )

    batch_id: str
    user_id: str
    status: BatchClientStatus


class BatchListView(BaseModel):
    model_config = _examples(
        {
            "batches": [{"batch_id": BATCH_ID_EXAMPLE, "status": "completed_successfully"}],
            "total": 1,
            "limit": 20,
            "offset": 0,
        }
    )

    batches: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class Correction(BaseModel):
    model_config = _examples({"original": "recieve", "corrected": "receive", "offset": 42})

    original: str
    corrected: str
    offset: int


class EssayResultView(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "batch_id": BATCH_ID_EXAMPLE,
                    "essay_id": "essay-1",
                    "corrected_text": "I receive ...",
                    "corrections": [{"original": "recieve", "corrected": "receive", "offset": 2}],
                }
            ]
        },
    )

    batch_id: str
    essay_id: str
