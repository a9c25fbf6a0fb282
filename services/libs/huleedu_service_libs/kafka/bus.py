"""KafkaBus: the one producer of a service process."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

from common_core.events.envelope import EventEnvelope

from .connect import start_with_retry

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A raw message for `KafkaBus.publish_many`."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: Headers = field(default_factory=list)


def envelope_headers(envelope: EventEnvelope[Any]) -> Headers:
    return [
        ("event_id", str(envelope.event_id).encode()),
        ("event_type", envelope.event_type.encode()),
        ("correlation_id", str(envelope.correlation_id).encode()),
        ("source_service", envelope.source_service.encode()),
    ]


def envelope_message(
    envelope: EventEnvelope[Any], *, key: str | None, topic: str | None = None
) -> OutgoingMessage:
    """The message `KafkaBus.publish` sends for an envelope (JSON value, standard headers)."""
    return OutgoingMessage(
        topic=topic or envelope.event_type,
        value=envelope.model_dump_json().encode(),
        key=key.encode() if key is not None else None,
        headers=envelope_headers(envelope),
    )


class KafkaBus:
    """aiokafka producer with acks=all; every publish waits for the broker's acknowledgement.

    `enable_idempotence` must be off against the embedded broker (it does not support it) and
    should be on against Apache Kafka.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        enable_idempotence: bool,
        connect_timeout_s: float = 30,
        linger_ms: int = 2,
        request_timeout_ms: int = 30000,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._enable_idempotence = enable_idempotence
        self._connect_timeout_s = connect_timeout_s
        self._linger_ms = linger_ms
        self._request_timeout_ms = request_timeout_ms
        self._producer: AIOKafkaProducer | None = None

    @property
    def started(self) -> bool:
        return self._producer is not None

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=self._enable_idempotence,
            linger_ms=self._linger_ms,
            request_timeout_ms=self._request_timeout_ms,
        )

    async def start(self) -> None:
        if self._producer is not None:
            return
        self._producer = await start_with_retry(
            self._new_producer, timeout_s=self._connect_timeout_s, what="producer"
        )

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def __aenter__(self) -> KafkaBus:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _require_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("KafkaBus is not started")
        return self._producer

    async def publish(
        self, envelope: EventEnvelope[Any], *, key: str | None, topic: str | None = None
    ) -> RecordMetadata:
        """Send the envelope as JSON to `topic` (default: its event_type) and await delivery."""
        message = envelope_message(envelope, key=key, topic=topic)
        return await self.publish_raw(
            message.topic, message.value, key=message.key, headers=message.headers
        )

    async def publish_raw(
        self, topic: str, value: bytes, *, key: bytes | None, headers: Headers
    ) -> RecordMetadata:
        producer = self._require_producer()
        delivery = await producer.send(topic, value, key=key, headers=headers)
        metadata: RecordMetadata = await delivery
        return metadata

    async def publish_many(self, messages: Sequence[OutgoingMessage]) -> list[RecordMetadata]:
        """Send all, then await every delivery; raises the first failure once all settled.

        Order per key is kept: same key → same partition, and the producer sends one batch per
        partition at a time.
        """
        producer = self._require_producer()
        deliveries = [
            await producer.send(m.topic, m.value, key=m.key, headers=m.headers) for m in messages
        ]
        results = await asyncio.gather(*deliveries, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return list(results)

    async def topics(self) -> set[str]:
        """Names of the topics on the broker (one metadata round trip; creates nothing)."""
        cluster = await self._require_producer().client.fetch_all_metadata()
        names: set[str] = cluster.topics()
        return names
