"""Builders of BOS domain objects for unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID

from services.batch_orchestrator_service.domain.batch import Batch
from services.batch_orchestrator_service.domain.registration import (
    BatchRegistrationRequestV1,
    new_batch,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CORRELATION_ID = UUID("00000000-0000-4000-8000-000000000001")


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "expected_essay_count": 3,
        "course_code": "ENG5",
        "essay_instructions": "Write about your summer.",
        "user_id": "teacher-1",
    }
    body.update(overrides)
    return body


def make_batch(**overrides: Any) -> Batch:
    ids = count(1)
    request = BatchRegistrationRequestV1.model_validate(request_body(**overrides))
    return new_batch(
        request,
        batch_id="batch-1",
        correlation_id=CORRELATION_ID,
        now=NOW,
        readiness_timeout=timedelta(hours=24),
        new_essay_id=lambda: f"essay-{next(ids)}",
    )
