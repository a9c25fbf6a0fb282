"""Processing of one consumed record: parse, call the handler, classify and retry failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import structlog

from common_core.event_registry import EnvelopeValidationError, parse_envelope
from common_core.events.envelope import EventEnvelope
from huleedu_service_libs.errors import is_transient

from .dead_letter import DeadLetter, DeadLetterReason, DeadLetterSink
from .metrics import ConsumerMetrics, Outcome
from .options import ConsumerOptions
from .records import ConsumedRecord

logger = structlog.get_logger(__name__)

Handler = Callable[[EventEnvelope[Any], ConsumedRecord], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Route:
    """Handler of one subscribed topic; payloads are parsed as events of `parse_topic`."""

    topic: str
    handler: Handler
    parse_topic: str


class RetryWait(Protocol):
    """Sleeps before a retry; False means: abandon the record (stop requested, partition lost)."""

    async def __call__(self, delay_s: float, record: ConsumedRecord) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Failure:
    error: Exception
    attempts: int


class RecordProcessor:
    """Applies the error rules of the architecture to each record.

    - invalid envelope: logged, counted, dead-lettered (if a sink) or skipped; no retry;
    - transient error: retried with capped backoff for as long as it takes;
    - other error: retried up to `max_attempts`, then dead-lettered or skipped.
    """

    def __init__(
        self,
        *,
        service: str,
        group_id: str,
        options: ConsumerOptions,
        metrics: ConsumerMetrics,
        sink: DeadLetterSink | None,
        wait: RetryWait,
    ) -> None:
        self._service = service
        self._group_id = group_id
        self._options = options
        self._metrics = metrics
        self._sink = sink
        self._wait = wait

    async def process(self, route: Route, record: ConsumedRecord) -> bool:
        """True when the record is done with (its offset may be committed), False if abandoned."""
        try:
            envelope = parse_envelope(route.parse_topic, record.value)
        except EnvelopeValidationError as exc:
            self._count(record, Outcome.FAILED)
            self._log_failure("kafka_invalid_envelope", record, exc, attempts=1)
            return await self._give_up(record, _Failure(exc, 1), DeadLetterReason.INVALID_ENVELOPE)
        result = await self._handle_with_retries(route, envelope, record)
        if isinstance(result, _Failure):
            return await self._give_up(record, result, DeadLetterReason.HANDLER_FAILED)
        return result

    async def _handle_with_retries(
        self, route: Route, envelope: EventEnvelope[Any], record: ConsumedRecord
    ) -> bool | _Failure:
        attempts = 0
        permanent_failures = 0
        transient_failures = 0
        while True:
            attempts += 1
            error = await self._attempt(route, envelope, record)
            if error is None:
                self._count(record, Outcome.HANDLED)
                return True
            self._count(record, Outcome.FAILED)
            if is_transient(error):
                transient_failures += 1
                delay = self._options.transient_backoff.delay(transient_failures)
            else:
                permanent_failures += 1
                if permanent_failures >= self._options.max_attempts:
                    self._log_failure("kafka_handler_gave_up", record, error, attempts=attempts)
                    return _Failure(error, attempts)
                delay = self._options.retry_backoff.delay(permanent_failures)
            self._count(record, Outcome.RETRIED)
            self._log_failure(
                "kafka_handler_retry", record, error, attempts=attempts, retry_in_s=delay
            )
            if not await self._wait(delay, record):
                return False

    async def _attempt(
        self, route: Route, envelope: EventEnvelope[Any], record: ConsumedRecord
    ) -> Exception | None:
        started = time.perf_counter()
        timeout_s = self._options.handler_timeout_s
        try:
            if timeout_s is None:
                await route.handler(envelope, record)
            else:
                async with asyncio.timeout(timeout_s):
                    await route.handler(envelope, record)
        except Exception as exc:
            return exc
        finally:
            self._metrics.observe(self._service, record.topic, time.perf_counter() - started)
        return None

    async def _give_up(
        self, record: ConsumedRecord, failure: _Failure, reason: DeadLetterReason
    ) -> bool:
        if self._sink is None:
            self._count(record, Outcome.SKIPPED)
            return True
        letter = DeadLetter.from_failure(
            record,
            failure.error,
            reason=reason,
            attempts=failure.attempts,
            service=self._service,
            consumer_group=self._group_id,
        )
        return await self._dead_letter(record, letter)

    async def _dead_letter(self, record: ConsumedRecord, letter: DeadLetter) -> bool:
        assert self._sink is not None
        failures = 0
        while True:
            try:
                await self._sink.dead_letter(letter)
            except Exception as exc:
                if not is_transient(exc):
                    self._log_failure("kafka_dead_letter_failed", record, exc, attempts=1)
                    self._count(record, Outcome.SKIPPED)
                    return True
                failures += 1
                delay = self._options.transient_backoff.delay(failures)
                self._log_failure("kafka_dead_letter_retry", record, exc, attempts=failures)
                if not await self._wait(delay, record):
                    return False
            else:
                self._count(record, Outcome.DEAD_LETTERED)
                return True

    def _count(self, record: ConsumedRecord, outcome: Outcome) -> None:
        self._metrics.count(self._service, record.topic, outcome)

    def _log_failure(
        self,
        event: str,
        record: ConsumedRecord,
        error: BaseException,
        *,
        attempts: int,
        **extra: Any,
    ) -> None:
        logger.warning(
            event,
            service=self._service,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error_type=type(error).__name__,
            error=str(error)[:500],
            attempts=attempts,
            **extra,
        )
