"""The outermost layer of every HTTP request (pure ASGI, so it sees every answer, errors too):
correlation id in and out, request metrics by route template, the audit line of state-changing
requests, and a standard 500 body for anything unexpected."""

from __future__ import annotations

import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common_core.error_models import ErrorCode
from huleedu_service_libs.correlation import CORRELATION_HEADER, parse_correlation_id

from .errors import error_response
from .request_context import RequestInfo, start_request
from .telemetry import GatewayMetrics

logger = structlog.stdlib.get_logger(__name__)
audit_logger = structlog.stdlib.get_logger("huleedu.audit")

STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNMATCHED_ROUTE = "<unmatched>"
_CORRELATION_HEADER_KEY = CORRELATION_HEADER.lower().encode()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else UNMATCHED_ROUTE


def _outcome(status: int) -> str:
    if status < 400:
        return "success"
    return "denied" if status in (401, 403, 404, 429) else "failed"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        correlation_id = parse_correlation_id(_header(scope, _CORRELATION_HEADER_KEY))
        info = start_request(correlation_id)
        # Handlers bind user_id / batch_id as they learn them; restore the caller's log context
        # afterwards (in-process clients share the request's context).
        saved = structlog.contextvars.get_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=str(correlation_id))
        try:
            if scope["type"] == "http":
                await self._http(scope, receive, send, info)
            else:
                await self.app(scope, receive, send)
        finally:
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**saved)

    async def _http(self, scope: Scope, receive: Receive, send: Send, info: RequestInfo) -> None:
        started = time.perf_counter()
        status = 500
        response_started = False
        correlation_header = (CORRELATION_HEADER.encode(), str(info.correlation_id).encode())

        async def send_with_context(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                response_started = True
                extra = [(k.encode(), v.encode()) for k, v in info.response_headers.items()]
                message["headers"] = [*message.get("headers", []), correlation_header, *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            logger.exception("unhandled error while handling a request")
            if response_started:
                raise
            response = error_response(500, ErrorCode.INTERNAL_ERROR, "internal server error")
            await response(scope, receive, send_with_context)
        finally:
            self._observe(scope, status, time.perf_counter() - started, info)

    def _observe(self, scope: Scope, status: int, seconds: float, info: RequestInfo) -> None:
        method = str(scope.get("method", ""))
        route = route_template(scope)
        self.metrics.http.observe(method, route, status, seconds)
        if method in STATE_CHANGING_METHODS:
            self._audit(scope, method, route, status, info)

    @staticmethod
    def _audit(scope: Scope, method: str, route: str, status: int, info: RequestInfo) -> None:
        route_obj: Any = scope.get("route")
        audit_logger.info(
            "audit",
            action=getattr(route_obj, "name", None) or f"{method} {route}",
            user_id=info.user_id,
            batch_id=info.batch_id,
            outcome=_outcome(status),
            status=status,
        )
