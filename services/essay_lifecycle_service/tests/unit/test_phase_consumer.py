"""The worker's phase handlers map each envelope onto the phase machinery (fake machinery)."""

from __future__ import annotations

from typing import Any, cast

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.testing.examples import example_envelope
from huleedu_service_libs.kafka import ConsumedRecord
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import IntakeHandlers, build_consumer_runner
from services.essay_lifecycle_service.phase_consumer import PhaseEventHandlers
from services.essay_lifecycle_service.phase_service import Consumed, PhaseService
from services.essay_lifecycle_service.phases.registry import default_phase_registry

E = ProcessingEvent


class FakePhases:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, Consumed]] = []

    async def start_phase(self, command: Any, consumed: Consumed) -> None:
        self.calls.append(("start", command, consumed))

    async def record_results(self, results: Any, consumed: Consumed) -> None:
        self.calls.append(("results", results, consumed))

    async def finish_pipeline(self, batch_id: str, run_id: str, consumed: Consumed) -> None:
        self.calls.append(("finish", (batch_id, run_id), consumed))


def routes() -> tuple[dict[ProcessingEvent, Any], FakePhases]:
    fake = FakePhases()
    handlers = PhaseEventHandlers(cast(PhaseService, fake), default_phase_registry())
    return dict(handlers.routes()), fake


async def deliver(event: ProcessingEvent) -> tuple[str, Any, Consumed, Any]:
    table, fake = routes()
    envelope = example_envelope(event)
    record = ConsumedRecord(topic=topic_name(event), partition=0, offset=0, key=None, value=b"")
    await table[event](envelope, record)
    [(kind, payload, consumed)] = fake.calls
    return kind, payload, consumed, envelope


async def test_a_phase_command_starts_the_phase_once_per_event_id() -> None:
    kind, command, consumed, envelope = await deliver(E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND)
    assert kind == "start"
    assert (command.batch_id, command.pipeline_run_id, command.phase.value) == (
        envelope.data.batch_id,
        envelope.data.pipeline_run_id,
        "cj_assessment",
    )
    assert consumed == Consumed(
        "batch_cj_assessment_initiate_command", envelope.event_id, envelope.correlation_id
    )


async def test_a_result_is_recorded_for_its_run() -> None:
    kind, results, consumed, envelope = await deliver(E.SPELLCHECK_RESULT)
    assert kind == "results"
    assert results.key.pipeline_run_id == envelope.data.pipeline_run_id
    assert [o.essay_id for o in results.outcomes] == [envelope.data.essay_id]
    assert consumed.consumer == "spellcheck_result"


async def test_pipeline_completion_finishes_the_run() -> None:
    kind, ids, _, envelope = await deliver(E.BATCH_PIPELINE_COMPLETED)
    assert (kind, ids) == ("finish", (envelope.data.batch_id, envelope.data.pipeline_run_id))


def test_the_runner_consumes_intake_and_every_phase_topic() -> None:
    table, _ = routes()
    intake = IntakeHandlers(cast(IntakeService, object()))
    runner = build_consumer_runner(ElsSettings(), intake, table)
    assert sorted(runner.topics) == sorted(
        topic_name(e)
        for e in (
            E.BATCH_ESSAYS_REGISTERED,
            E.ESSAY_CONTENT_READY,
            E.ESSAY_VALIDATION_FAILED,
            E.BATCH_SPELLCHECK_INITIATE_COMMAND,
            E.SPELLCHECK_RESULT,
            E.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND,
            E.CJ_ASSESSMENT_COMPLETED,
            E.CJ_ASSESSMENT_FAILED,
            E.BATCH_PIPELINE_COMPLETED,
        )
    )
