"""Envelopes of one batch's whole life (registration to a completed `cj_assessment` run), built
from `common_core.testing.examples` with the ids of a test, for unit and integration tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from common_core.event_enums import ProcessingEvent
from common_core.events.envelope import EventEnvelope
from common_core.status_enums import OutcomeStatus, PhaseName, PipelineExecutionStatus
from common_core.testing.examples import example_envelope

E = ProcessingEvent
DONE = PipelineExecutionStatus.COMPLETED_SUCCESSFULLY
PARTIAL = PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS
START = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


@dataclass
class BatchStory:
    """The events of one batch with three essays; the third fails spellcheck."""

    batch_id: str
    user_id: str
    run_id: str = "run-1"
    essay_ids: tuple[str, str, str] = ("e-1", "e-2", "e-3")
    _tick: int = field(default=0, init=False)

    def envelope(self, event: ProcessingEvent, **fields: Any) -> EventEnvelope[Any]:
        """An envelope of `event` about this batch, one second after the previous one (its own
        event_id: the examples' deterministic ids would make two uploads one event)."""
        self._tick += 1
        envelope = example_envelope(event, batch_id=self.batch_id, **fields)
        at = START + timedelta(seconds=self._tick)
        return envelope.model_copy(update={"event_timestamp": at, "event_id": uuid4()})

    def upload(self, essay_id: str) -> str:
        return f"up-{essay_id}"

    def file_name(self, essay_id: str) -> str:
        return f"{essay_id}.docx"

    def intake(self) -> list[EventEnvelope[Any]]:
        """Registration, three accepted files, one rejected file, readiness."""
        registered = self.envelope(
            E.BATCH_ESSAYS_REGISTERED,
            user_id=self.user_id,
            expected_essay_count=3,
            essay_ids=list(self.essay_ids),
        )
        accepted = [
            self.envelope(
                E.ESSAY_CONTENT_READY,
                file_upload_id=self.upload(eid),
                original_file_name=self.file_name(eid),
                text_storage_id=f"txt-{eid}",
                student_name=f"Student {eid}",
            )
            for eid in self.essay_ids
        ]
        rejected = self.envelope(
            E.ESSAY_VALIDATION_FAILED, file_upload_id="up-bad", original_file_name="scan.png"
        )
        return [registered, *accepted, rejected, self.ready()]

    def ready(self) -> EventEnvelope[Any]:
        essays = [
            {
                "essay_id": eid,
                "file_upload_id": self.upload(eid),
                "original_file_name": self.file_name(eid),
                "text_storage_id": f"txt-{eid}",
                "student_name": f"Student {eid}",
                "student_email": None,
            }
            for eid in self.essay_ids
        ]
        failed = [
            {
                "file_upload_id": "up-bad",
                "original_file_name": "scan.png",
                "reason_code": "unsupported_file_type",
            }
        ]
        return self.envelope(E.BATCH_ESSAYS_READY, essays=essays, failed_files=failed)

    def pipeline(self) -> list[EventEnvelope[Any]]:
        """A `cj_assessment` run: spellcheck (two of three succeed), then CJ on the two."""
        e1, e2, e3 = self.essay_ids
        run = {"pipeline_run_id": self.run_id}
        return [
            self.envelope(E.BATCH_PIPELINE_STARTED, **run),
            self.envelope(E.BATCH_PHASE_STARTED, **run, phase=PhaseName.SPELLCHECK, essay_count=3),
            self.spellcheck(e1, corrections=2),
            self.spellcheck(e2, corrections=0),
            self.spellcheck_failure(e3),
            self.envelope(
                E.ELS_BATCH_PHASE_OUTCOME,
                **run,
                phase_name=PhaseName.SPELLCHECK,
                phase_status=PARTIAL,
                processed_essays=[
                    {"essay_id": e1, "text_storage_id": f"corr-{e1}"},
                    {"essay_id": e2, "text_storage_id": f"corr-{e2}"},
                ],
                failed_essay_ids=[e3],
            ),
            self.envelope(
                E.BATCH_PHASE_STARTED, **run, phase=PhaseName.CJ_ASSESSMENT, essay_count=2
            ),
            self.envelope(
                E.CJ_ASSESSMENT_COMPLETED,
                **run,
                rankings=[
                    {"essay_id": e2, "rank": 1, "score": 0.9},
                    {"essay_id": e1, "rank": 2, "score": -0.9},
                ],
            ),
            self.envelope(
                E.ELS_BATCH_PHASE_OUTCOME,
                **run,
                phase_name=PhaseName.CJ_ASSESSMENT,
                phase_status=DONE,
                processed_essays=[
                    {"essay_id": e1, "text_storage_id": f"corr-{e1}"},
                    {"essay_id": e2, "text_storage_id": f"corr-{e2}"},
                ],
                failed_essay_ids=[],
            ),
            self.envelope(
                E.BATCH_PIPELINE_COMPLETED,
                **run,
                final_status=PARTIAL,
                phase_results=[
                    {"phase": "spellcheck", "status": PARTIAL, "successful": 2, "failed": 1},
                    {"phase": "cj_assessment", "status": DONE, "successful": 2, "failed": 0},
                ],
                successful_essay_count=2,
                failed_essay_count=1,
            ),
        ]

    def spellcheck(
        self, essay_id: str, *, corrections: int, storage_id: str | None = None
    ) -> EventEnvelope[Any]:
        items = [
            {"original": f"wrod{n}", "corrected": f"word{n}", "offset": 10 * n}
            for n in range(corrections)
        ]
        return self.envelope(
            E.SPELLCHECK_RESULT,
            pipeline_run_id=self.run_id,
            essay_id=essay_id,
            status=OutcomeStatus.SUCCESS,
            corrected_text_storage_id=storage_id or f"corr-{essay_id}",
            corrections=items,
            correction_count=corrections,
        )

    def spellcheck_failure(self, essay_id: str) -> EventEnvelope[Any]:
        return self.envelope(
            E.SPELLCHECK_RESULT,
            pipeline_run_id=self.run_id,
            essay_id=essay_id,
            status=OutcomeStatus.FAILED,
            corrected_text_storage_id=None,
            corrections=[],
            correction_count=0,
            error="text could not be read",
        )

    def everything(self) -> list[EventEnvelope[Any]]:
        return [*self.intake(), *self.pipeline()]


EXPECTED_NOTIFICATIONS = [
    "batch_registered",
    "file_accepted",
    "file_accepted",
    "file_accepted",
    "file_rejected",
    "batch_ready",
    "pipeline_started",
    "phase_started",
    "essay_processed",
    "essay_processed",
    "essay_processed",
    "phase_completed",
    "phase_started",
    "essay_processed",
    "essay_processed",
    "phase_completed",
    "pipeline_completed",
]
"""The notifications of `BatchStory.everything()`, in order."""
