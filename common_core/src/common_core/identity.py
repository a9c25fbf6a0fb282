"""Deterministic event ids: a re-sent event keeps its id, a re-run gets a new one."""

from __future__ import annotations

from uuid import UUID, uuid5

from common_core.event_enums import ProcessingEvent

HULEEDU_EVENT_NAMESPACE = UUID("6f1c5f3e-2b8a-5d4e-9a57-4c0e8f2d1b93")
"""Namespace of every deterministic HuleEdu event id (fixed forever: changing it changes ids)."""


def deterministic_event_id(
    event: ProcessingEvent,
    *,
    batch_id: str,
    pipeline_run_id: str | None = None,
    essay_id: str | None = None,
) -> UUID:
    """uuid5 over `"{event}:{pipeline_run_id}:{batch_id}:{essay_id}"` (missing parts empty)."""
    name = f"{event.value}:{pipeline_run_id or ''}:{batch_id}:{essay_id or ''}"
    return uuid5(HULEEDU_EVENT_NAMESPACE, name)
