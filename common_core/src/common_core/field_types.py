"""Reusable annotated field types for the contract models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


EntityId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, pattern=r"^\S(?:.*\S)?$"),
]
"""An identifier: non-empty, at most 255 characters, no surrounding whitespace."""

NonEmptyStr = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
"""Free text that must contain at least one non-whitespace character."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, normalised to UTC (naive datetimes are rejected)."""

Count = Annotated[int, Field(ge=0)]
"""A non-negative count."""


def utc_now() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)
