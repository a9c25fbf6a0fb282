"""Publishes failed resolutions to `huleedu.pipelines.resolution.DLQ` in the background."""

from __future__ import annotations

import asyncio

import structlog

from common_core.event_enums import PIPELINE_RESOLUTION_DLQ_TOPIC
from huleedu_service_libs.kafka import KafkaBus

from ..domain.dead_letter import ResolutionDeadLetter
from ..metrics import BCSMetrics

logger = structlog.get_logger(__name__)


class KafkaResolutionDeadLetters:
    """Sends each letter (key = batch_id) without making the HTTP answer wait for Kafka.

    A letter that cannot be delivered within `timeout_s` is logged in full, so it is not
    lost silently. `aclose` waits for the letters still in flight.
    """

    def __init__(self, bus: KafkaBus, metrics: BCSMetrics, *, timeout_s: float) -> None:
        self._bus = bus
        self._metrics = metrics
        self._timeout_s = timeout_s
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, letter: ResolutionDeadLetter) -> None:
        task = asyncio.create_task(self._publish(letter), name="bcs-resolution-dead-letter")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self, letter: ResolutionDeadLetter) -> None:
        headers = [("dlq_reason", letter.dlq_reason.encode()[:200])]
        key = letter.batch_id.encode() if letter.batch_id else None
        try:
            async with asyncio.timeout(self._timeout_s):
                await self._bus.publish_raw(
                    PIPELINE_RESOLUTION_DLQ_TOPIC,
                    letter.model_dump_json().encode(),
                    key=key,
                    headers=headers,
                )
        except Exception as exc:
            self._metrics.dead_letters.labels("lost").inc()
            logger.error(
                "resolution_dead_letter_not_published",
                letter=letter.model_dump(mode="json"),
                error_type=type(exc).__name__,
                error=str(exc)[:500],
            )
            return
        self._metrics.dead_letters.labels("published").inc()

    async def aclose(self) -> None:
        """Wait for the letters in flight (each is bounded by the publish timeout)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
