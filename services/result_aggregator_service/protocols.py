"""Ports of RAS: BOS lookups, notification publishing and the response cache (real adapters in
`implementations/`, fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from common_core.notifications import UserNotification


@dataclass(frozen=True)
class BatchOwner:
    """A batch as BOS knows it: enough to start a view for it."""

    batch_id: str
    user_id: str


class BatchDirectory(Protocol):
    """Where RAS learns about a batch whose registration it has not seen (BOS)."""

    async def find(self, batch_id: str) -> BatchOwner | None:
        """The batch, or None when it does not exist; transient errors propagate."""
        ...


class Notifier(Protocol):
    """Publishes user notifications; never raises (a lost notification is logged)."""

    async def publish(self, user_id: str, notifications: Sequence[UserNotification]) -> None: ...


class CacheInvalidator(Protocol):
    """Forgets the cached API responses about a batch; never raises."""

    async def invalidate(self, batch_id: str, user_id: str) -> None: ...


@dataclass(frozen=True)
class Loaded:
    """A response body (JSON) and whether it may be cached (a degraded answer may not)."""

    body: str
    cacheable: bool = True


Loader = Callable[[], Awaitable[Loaded | None]]
"""Produces a response body, or None when there is nothing to answer (404)."""


class ResponseCache(CacheInvalidator, Protocol):
    """Serialized API responses, per batch and per user listing."""

    async def batch_response(self, batch_id: str, part: str, load: Loader) -> str | None:
        """The cached body of `part` of the batch, else `load()` (cached when not None)."""
        ...

    async def user_response(self, user_id: str, part: str, load: Loader) -> str | None:
        """The cached body of `part` of the user's listing, else `load()`."""
        ...
