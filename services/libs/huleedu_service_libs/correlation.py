"""Correlation ids of HTTP requests: read from ``X-Correlation-ID`` (or generated), kept on
``g`` for the handlers, bound into every log line of the request and echoed on the response."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from quart import Quart, Response, g, has_request_context, request

from huleedu_service_libs.logging import bind_context_values, reset_context_values

CORRELATION_HEADER = "X-Correlation-ID"


def parse_correlation_id(raw: str | None) -> UUID:
    """The UUID of a received header value, or a fresh one when it is absent or not a UUID
    (event envelopes carry UUID correlation ids, so anything else cannot be propagated)."""
    if raw:
        try:
            return UUID(raw.strip())
        except ValueError:
            pass
    return uuid4()


def current_correlation_id() -> UUID | None:
    """The correlation id of the current request, or ``None`` outside a request."""
    if not has_request_context():
        return None
    value: Any = g.get("correlation_id")
    return value if isinstance(value, UUID) else None


def install_correlation_id(app: Quart) -> None:
    """Register the hooks on ``app``; install before any hook that may log or fail."""
    app.before_request(_bind_correlation_id)
    app.after_request(_echo_correlation_id)
    app.teardown_request(_unbind_correlation_id)


async def _bind_correlation_id() -> None:
    correlation_id = parse_correlation_id(request.headers.get(CORRELATION_HEADER))
    g.correlation_id = correlation_id
    g.huleedu_log_tokens = bind_context_values(correlation_id=str(correlation_id))


async def _echo_correlation_id(response: Response) -> Response:
    correlation_id = current_correlation_id()
    if correlation_id is not None:
        response.headers[CORRELATION_HEADER] = str(correlation_id)
    return response


async def _unbind_correlation_id(_exc: BaseException | None) -> None:
    tokens = g.pop("huleedu_log_tokens", None)
    if tokens:
        reset_context_values(tokens)
