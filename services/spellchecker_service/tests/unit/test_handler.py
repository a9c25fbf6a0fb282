"""The spellcheck handler with in-memory fakes of Content Service, Kafka and Redis claims."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest
from prometheus_client import CollectorRegistry

from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope
from common_core.events.envelope import EventEnvelope
from common_core.events.spellcheck import EssayLifecycleSpellcheckRequestV1
from common_core.identity import deterministic_event_id
from common_core.status_enums import Language, OutcomeStatus
from huleedu_service_libs.content_client import ContentNotFoundError
from huleedu_service_libs.errors import HttpStatusError, is_transient
from huleedu_service_libs.kafka import ConsumedRecord
from services.spellchecker_service.metrics import spell_metrics
from services.spellchecker_service.spellcheck_handler import SpellcheckHandler
from services.spellchecker_service.spelling.engines import SpellingEngines

from ..spelling_testing import real_engines


class FakeContent:
    def __init__(self, texts: dict[str, str], *, down: bool = False) -> None:
        self.texts = dict(texts)
        self.down = down

    async def fetch_text(self, storage_id: str, *, correlation_id: UUID | str | None = None) -> str:
        if self.down:
            raise HttpStatusError(503, "unavailable")
        if storage_id not in self.texts:
            raise ContentNotFoundError(storage_id)
        return self.texts[storage_id]

    async def store_text(self, text: str, *, correlation_id: UUID | str | None = None) -> str:
        storage_id = f"stored-{len(self.texts)}"
        self.texts[storage_id] = text
        return storage_id


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[EventEnvelope[Any], str | None]] = []

    async def publish(self, envelope: EventEnvelope[Any], *, key: str | None) -> object:
        self.sent.append((envelope, key))
        return None


class FakeClaims:
    """Done after success, released after failure (the RedisEventClaim contract)."""

    def __init__(self) -> None:
        self.done: set[str] = set()

    def key_for(self, consumer: str, event_id: UUID | str) -> str:
        return f"{consumer}:{event_id}"

    async def run_once(self, key: str, handler: Callable[[], Awaitable[object]]) -> object:
        if key not in self.done:
            await handler()
            self.done.add(key)
        return None


def request(language: Language = Language.ENGLISH, storage_id: str = "text-1") -> Any:
    data = EssayLifecycleSpellcheckRequestV1(
        batch_id="batch-1",
        pipeline_run_id="run-1",
        essay_id="essay-1",
        text_storage_id=storage_id,
        language=language,
    )
    return build_envelope(
        ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )


RECORD = ConsumedRecord(
    topic=topic_name(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED),
    partition=0,
    offset=0,
    key=b"batch-1",
    value=b"{}",
    headers=(),
    timestamp_ms=0,
)


def make_handler(
    content: FakeContent, engines: SpellingEngines | None = None
) -> tuple[SpellcheckHandler, FakePublisher, FakeClaims]:
    publisher, claims = FakePublisher(), FakeClaims()
    handler = SpellcheckHandler(
        engines=engines or real_engines(),
        content=content,
        publisher=publisher,
        claims=claims,
        metrics=spell_metrics(CollectorRegistry()),
        service_name="spellchecker_service",
    )
    return handler, publisher, claims


async def test_a_request_yields_a_stored_correction_and_one_keyed_result() -> None:
    content = FakeContent({"text-1": "I recieved teh letter."})
    handler, publisher, _ = make_handler(content)
    incoming = request()
    await handler.handle(incoming, RECORD)
    [(envelope, key)] = publisher.sent
    result = envelope.data
    assert key == "batch-1"
    assert envelope.event_type == topic_name(ProcessingEvent.SPELLCHECK_RESULT)
    assert envelope.correlation_id == incoming.correlation_id
    assert envelope.event_id == deterministic_event_id(
        ProcessingEvent.SPELLCHECK_RESULT,
        batch_id="batch-1",
        pipeline_run_id="run-1",
        essay_id="essay-1",
    )
    assert result.status is OutcomeStatus.SUCCESS
    assert content.texts[result.corrected_text_storage_id] == "I received the letter."
    assert [(c.original, c.corrected, c.offset) for c in result.corrections] == [
        ("recieved", "received", 2),
        ("teh", "the", 11),
    ]
    assert result.correction_count == 2


async def test_a_duplicate_delivery_publishes_nothing_new() -> None:
    handler, publisher, _ = make_handler(FakeContent({"text-1": "Fine text."}))
    await handler.handle(request(), RECORD)
    await handler.handle(request(), RECORD)
    assert len(publisher.sent) == 1


async def test_missing_content_is_a_failed_result() -> None:
    handler, publisher, _ = make_handler(FakeContent({}))
    await handler.handle(request(storage_id="nowhere"), RECORD)
    [(envelope, _)] = publisher.sent
    assert envelope.data.status is OutcomeStatus.FAILED
    assert "nowhere" in envelope.data.error


async def test_an_unsupported_language_is_a_failed_result(tmp_path: Any) -> None:
    english_only = SpellingEngines(["en"], tmp_path)
    handler, publisher, _ = make_handler(FakeContent({"text-1": "Hej"}), english_only)
    await handler.handle(request(Language.SWEDISH), RECORD)
    [(envelope, _)] = publisher.sent
    assert envelope.data.status is OutcomeStatus.FAILED
    assert envelope.data.language is Language.SWEDISH
    assert "not supported" in envelope.data.error


async def test_content_service_down_is_transient_and_leaves_the_request_unclaimed() -> None:
    content = FakeContent({"text-1": "Text."}, down=True)
    handler, publisher, claims = make_handler(content)
    with pytest.raises(HttpStatusError) as raised:
        await handler.handle(request(), RECORD)
    assert is_transient(raised.value)
    assert (publisher.sent, claims.done) == ([], set())
    content.down = False
    await handler.handle(request(), RECORD)
    assert len(publisher.sent) == 1
