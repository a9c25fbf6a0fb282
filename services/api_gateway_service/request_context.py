"""What the gateway knows about the request being handled: correlation id, user, batch.

The middleware puts a fresh `RequestInfo` in a context variable for each request; auth and the
route handlers fill in the user and batch, and the middleware reads them back for the audit log.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID

from huleedu_service_libs.logging import bind_context_values


@dataclass
class RequestInfo:
    correlation_id: UUID
    user_id: str | None = None
    batch_id: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)


_current: ContextVar[RequestInfo | None] = ContextVar("gateway_request_info", default=None)


def start_request(correlation_id: UUID) -> RequestInfo:
    info = RequestInfo(correlation_id)
    _current.set(info)
    return info


def current_request() -> RequestInfo | None:
    return _current.get()


def current_correlation_id() -> UUID | None:
    info = _current.get()
    return info.correlation_id if info else None


def set_user(user_id: str) -> None:
    info = _current.get()
    if info is not None:
        info.user_id = user_id
    bind_context_values(user_id=user_id)


def set_batch(batch_id: str) -> None:
    info = _current.get()
    if info is not None:
        info.batch_id = batch_id
    bind_context_values(batch_id=batch_id)


def add_response_headers(headers: dict[str, str]) -> None:
    """Headers for whatever answer this request gets, errors included (e.g. rate limits)."""
    info = _current.get()
    if info is not None:
        info.response_headers.update(headers)
