"""The worker's handlers map each consumed envelope onto intake (with a fake intake)."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.testing.examples import example_envelope
from huleedu_service_libs.kafka import ConsumedRecord
from services.essay_lifecycle_service.config import ElsSettings
from services.essay_lifecycle_service.domain.slots import FileOutcome, IncomingFile
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.kafka_consumer import IntakeHandlers, build_consumer_runner

E = ProcessingEvent


class FakeIntake:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, UUID, UUID]] = []

    async def register_batch(self, data: Any, event_id: UUID, correlation_id: UUID) -> None:
        self.calls.append(("register", data, event_id, correlation_id))

    async def accept_file(self, incoming: IncomingFile, event_id: UUID, correlation_id: UUID):
        self.calls.append(("file", incoming, event_id, correlation_id))


def record(event: ProcessingEvent) -> ConsumedRecord:
    return ConsumedRecord(topic=topic_name(event), partition=0, offset=0, key=None, value=b"")


def handlers() -> tuple[IntakeHandlers, FakeIntake]:
    fake = FakeIntake()
    return IntakeHandlers(cast(IntakeService, fake)), fake


async def test_registration_is_passed_on_with_its_ids() -> None:
    subject, fake = handlers()
    envelope = example_envelope(E.BATCH_ESSAYS_REGISTERED)
    await subject.on_batch_registered(envelope, record(E.BATCH_ESSAYS_REGISTERED))
    assert fake.calls == [("register", envelope.data, envelope.event_id, envelope.correlation_id)]


async def test_content_becomes_a_usable_file_keeping_the_slot_hint() -> None:
    subject, fake = handlers()
    envelope = example_envelope(E.ESSAY_CONTENT_READY, essay_id="essay-0002")
    await subject.on_content_ready(envelope, record(E.ESSAY_CONTENT_READY))
    [(_, incoming, event_id, _)] = fake.calls
    assert incoming.outcome is FileOutcome.CONTENT
    assert incoming.text_storage_id == envelope.data.text_storage_id
    assert incoming.student_name == envelope.data.student_name
    assert incoming.essay_id_hint == "essay-0002"
    assert event_id == envelope.event_id


async def test_a_validation_failure_becomes_a_failed_file() -> None:
    subject, fake = handlers()
    envelope = example_envelope(E.ESSAY_VALIDATION_FAILED)
    await subject.on_validation_failed(envelope, record(E.ESSAY_VALIDATION_FAILED))
    [(_, incoming, _, _)] = fake.calls
    assert incoming.outcome is FileOutcome.FAILED
    assert (incoming.reason_code, incoming.message) == (
        envelope.data.reason_code,
        envelope.data.message,
    )


def test_the_runner_consumes_the_three_intake_topics_as_its_group() -> None:
    settings = ElsSettings(consumer_group_id="essay_lifecycle_service")
    runner = build_consumer_runner(settings, handlers()[0])
    assert sorted(runner.topics) == sorted(
        topic_name(e)
        for e in (E.BATCH_ESSAYS_REGISTERED, E.ESSAY_CONTENT_READY, E.ESSAY_VALIDATION_FAILED)
    )
