"""Running sample batches through pipelines on the functional-test stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common_core.event_enums import ProcessingEvent
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import INTAKE_SERVICES, StackClient, UploadFile

PIPELINE_SERVICES = (
    "batch_conductor_service",
    *INTAKE_SERVICES,
    "spellchecker_service",
)
E = ProcessingEvent
WATCHED = (
    E.BATCH_ESSAYS_READY,
    E.PIPELINE_REQUEST_REJECTED,
    E.BATCH_PIPELINE_STARTED,
    E.BATCH_PHASE_STARTED,
    E.SPELLCHECK_RESULT,
    E.ELS_BATCH_PHASE_OUTCOME,
    E.BATCH_PIPELINE_COMPLETED,
    E.ELS_CJ_ASSESSMENT_REQUESTED,
    E.CJ_ASSESSMENT_COMPLETED,
    E.CJ_ASSESSMENT_FAILED,
)


@dataclass
class ReadyBatch:
    batch_id: str
    user_id: str
    essays: list[dict[str, Any]]  # BatchEssaysReady's essays

    def essay_by_file(self) -> dict[str, dict[str, Any]]:
        return {essay["original_file_name"]: essay for essay in self.essays}


async def ready_batch(
    client: StackClient,
    events: BatchEventWatcher,
    user_id: str,
    files: list[UploadFile],
    *,
    course_code: str = "ENG5",
) -> ReadyBatch:
    """Register, upload and wait until ELS announces the batch ready."""
    batch_id = (await client.register_batch(user_id, len(files), course_code=course_code))[
        "batch_id"
    ]
    events.add_batch(batch_id)
    response = await client.upload(batch_id, user_id, files)
    assert response.status_code == 202, response.text
    ready = await events.wait_for(E.BATCH_ESSAYS_READY, batch_id=batch_id)
    await client.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])
    return ReadyBatch(batch_id, user_id, ready[0]["data"]["essays"])


def watcher(platform: Platform) -> BatchEventWatcher:
    return BatchEventWatcher(platform.infra.kafka_bootstrap, [], WATCHED)


async def completed(
    events: BatchEventWatcher, batch_id: str, *, count: int = 1, timeout_s: float = 120
) -> dict[str, Any]:
    """The `count`-th BatchPipelineCompletedV1 of the batch (its data)."""
    found = await events.wait_for(
        E.BATCH_PIPELINE_COMPLETED, batch_id=batch_id, count=count, timeout_s=timeout_s
    )
    return dict(found[count - 1]["data"])


def results_by_essay(events: BatchEventWatcher, batch_id: str) -> dict[str, list[dict[str, Any]]]:
    by_essay: dict[str, list[dict[str, Any]]] = {}
    for envelope in events.of(E.SPELLCHECK_RESULT, batch_id):
        by_essay.setdefault(envelope["data"]["essay_id"], []).append(envelope)
    return by_essay
