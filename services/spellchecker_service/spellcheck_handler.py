"""The consumer handler: one EssayLifecycleSpellcheckRequestV1 in, one result event out.

Effectively once: the request is claimed in Redis under the id of its result event, so a
duplicate delivery (or a re-sent request) publishes nothing new, while a worker killed midway
leaves a claim that expires and the redelivered request is handled again. Missing content and
an unsupported language become a failed result; Content Service or broker trouble is raised
as is, so the runner retries without committing.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog

from common_core.events.envelope import EventEnvelope
from common_core.events.spellcheck import (
    EssayLifecycleSpellcheckRequestV1,
    SpellcheckResultDataV1,
)
from common_core.status_enums import OutcomeStatus
from huleedu_service_libs.content_client import ContentNotFoundError
from huleedu_service_libs.kafka import ConsumedRecord
from huleedu_service_libs.logging import bind_context

from .metrics import SpellMetrics
from .protocols import ContentStore, EventClaims, EventPublisher
from .results import failed_result, result_envelope, result_event_id, success_result
from .spelling.engines import SpellingEngines, UnsupportedLanguageError

logger = structlog.get_logger(__name__)


class SpellcheckHandler:
    def __init__(
        self,
        *,
        engines: SpellingEngines,
        content: ContentStore,
        publisher: EventPublisher,
        claims: EventClaims,
        metrics: SpellMetrics,
        service_name: str,
    ) -> None:
        self._engines = engines
        self._content = content
        self._publisher = publisher
        self._claims = claims
        self._metrics = metrics
        self._service = service_name

    async def handle(self, envelope: EventEnvelope[Any], record: ConsumedRecord) -> None:
        request: EssayLifecycleSpellcheckRequestV1 = envelope.data
        with bind_context(
            correlation_id=envelope.correlation_id,
            batch_id=request.batch_id,
            essay_id=request.essay_id,
        ):
            key = self._claims.key_for(self._service, result_event_id(request))
            await self._claims.run_once(key, lambda: self._process(envelope, request))

    async def _process(
        self, envelope: EventEnvelope[Any], request: EssayLifecycleSpellcheckRequestV1
    ) -> None:
        result, correction_seconds = await self._spellcheck(request, envelope.correlation_id)
        outgoing = result_envelope(
            request,
            result,
            source_service=self._service,
            correlation_id=envelope.correlation_id,
        )
        await self._publisher.publish(outgoing, key=request.batch_id)
        self._observe(result, correction_seconds)
        logger.info(
            "spellcheck_result_published",
            status=result.status.value,
            correction_count=result.correction_count,
        )

    async def _spellcheck(
        self, request: EssayLifecycleSpellcheckRequestV1, correlation_id: Any
    ) -> tuple[SpellcheckResultDataV1, float]:
        """The result of the request and the seconds spent on correction alone."""
        language = request.language.value
        try:
            corrector = self._engines.corrector(language)
            text = await self._content.fetch_text(
                request.text_storage_id, correlation_id=correlation_id
            )
        except (UnsupportedLanguageError, ContentNotFoundError) as exc:
            return _failed(request, str(exc)), 0.0
        except UnicodeDecodeError:
            return _failed(request, "the stored content is not UTF-8 text"), 0.0
        started = time.perf_counter()
        corrected = await asyncio.to_thread(corrector.correct, text)
        seconds = time.perf_counter() - started
        storage_id = await self._content.store_text(corrected.text, correlation_id=correlation_id)
        return success_result(request, corrected, storage_id), seconds

    def _observe(self, result: SpellcheckResultDataV1, correction_seconds: float) -> None:
        language = result.language.value
        if result.status is OutcomeStatus.SUCCESS:
            self._metrics.observe_success(language, result.correction_count, correction_seconds)
        else:
            self._metrics.observe_failure(language)


def _failed(request: EssayLifecycleSpellcheckRequestV1, error: str) -> SpellcheckResultDataV1:
    logger.warning("spellcheck_failed", error=error)
    return failed_result(request, error)
