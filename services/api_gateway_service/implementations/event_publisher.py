"""Publishes `ClientBatchPipelineRequestV1` on Kafka (key = batch_id).

The gateway serves reads and uploads without Kafka, so the producer connects in the background
at startup and again on demand; while Kafka cannot be reached a pipeline request answers 503.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

import structlog

from common_core.event_enums import ProcessingEvent
from common_core.event_registry import build_envelope
from common_core.events.pipeline import ClientBatchPipelineRequestV1
from huleedu_service_libs.kafka import KafkaBus

logger = structlog.stdlib.get_logger(__name__)


class EventBusUnavailableError(Exception):
    """The request could not be handed to Kafka."""


class KafkaPipelineRequestPublisher:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        service_name: str,
        enable_idempotence: bool,
        connect_timeout_s: float,
        publish_timeout_s: float,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._service_name = service_name
        self._enable_idempotence = enable_idempotence
        self._connect_timeout_s = connect_timeout_s
        self._publish_timeout_s = publish_timeout_s
        self._bus: KafkaBus | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._bus is not None

    async def connect(self, timeout_s: float | None = None) -> bool:
        """Start the producer unless started; False (logged) when Kafka cannot be reached."""
        return await self._ensure_bus(timeout_s) is not None

    async def _ensure_bus(self, timeout_s: float | None) -> KafkaBus | None:
        async with self._lock:
            if self._bus is not None:
                return self._bus
            bus = KafkaBus(
                self._bootstrap_servers,
                client_id=self._service_name,
                enable_idempotence=self._enable_idempotence,
                connect_timeout_s=timeout_s or self._connect_timeout_s,
                request_timeout_ms=int(self._publish_timeout_s * 1000),
            )
            try:
                await bus.start()
            except Exception as exc:  # unreachable broker: answer 503 now, retry next time
                logger.warning("kafka producer could not connect", error=repr(exc))
                return None
            self._bus = bus
            return bus

    async def publish(self, request: ClientBatchPipelineRequestV1, correlation_id: UUID) -> None:
        """Hand the request to Kafka and wait for the acknowledgement."""
        try:
            async with asyncio.timeout(self._publish_timeout_s):
                bus = await self._ensure_bus(self._publish_timeout_s)
                if bus is None:
                    raise EventBusUnavailableError("kafka is not reachable")
                envelope = build_envelope(
                    ProcessingEvent.CLIENT_BATCH_PIPELINE_REQUEST,
                    request,
                    source_service=self._service_name,
                    correlation_id=correlation_id,
                )
                await bus.publish(envelope, key=request.batch_id)
        except EventBusUnavailableError:
            raise
        except Exception as exc:  # timeout or broker error: the client may retry
            logger.warning("pipeline request not published", error=repr(exc))
            raise EventBusUnavailableError("kafka did not acknowledge the request") from exc

    async def stop(self) -> None:
        async with self._lock:
            bus, self._bus = self._bus, None
        if bus is not None:
            await bus.stop()
