"""Ports of the spellcheck handler (the real ones: ContentServiceClient, KafkaBus,
RedisEventClaim; unit tests use fakes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from uuid import UUID

from common_core.events.envelope import EventEnvelope


class ContentStore(Protocol):
    async def fetch_text(self, storage_id: str, *, correlation_id: UUID | str | None = None) -> str:
        """The text stored under `storage_id`; ContentNotFoundError if there is none."""
        ...

    async def store_text(self, text: str, *, correlation_id: UUID | str | None = None) -> str:
        """Store `text`; its storage id."""
        ...


class EventPublisher(Protocol):
    async def publish(self, envelope: EventEnvelope[Any], *, key: str | None) -> object:
        """Send the envelope and wait for the broker's acknowledgement."""
        ...


class EventClaims(Protocol):
    def key_for(self, consumer: str, event_id: UUID | str) -> str: ...

    async def run_once(self, key: str, handler: Callable[[], Awaitable[object]]) -> object:
        """Run `handler` unless done; raise a transient error while another worker holds it."""
        ...
