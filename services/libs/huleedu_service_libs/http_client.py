"""HTTP calls between services: credentials, correlation id, retries and a circuit breaker.

Transient failures (connection errors, timeouts, 5xx, 429) are retried with capped exponential
backoff; other non-2xx answers raise :class:`HttpStatusError` at once. Retries apply to every
method: internal endpoints are idempotent by design (content-addressed stores, pure
resolutions), so a repeated POST is safe.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from uuid import UUID

import aiohttp
import structlog
from pydantic import SecretStr
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.correlation import CORRELATION_HEADER
from huleedu_service_libs.errors import CircuitOpenError, HttpStatusError, is_transient

__all__ = ["CircuitBreaker", "CircuitOpenError", "HttpResponse", "InternalServiceClient"]

logger = structlog.stdlib.get_logger(__name__)


class CircuitBreaker:
    """Fails fast after ``failure_threshold`` consecutive transient failures.

    Closed: calls pass. Open: calls raise :class:`CircuitOpenError` until ``reset_timeout_s``
    has passed. Then one trial call is let through (half-open): success closes the circuit,
    failure opens it again.
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout_s: float = 30.0,
        *,
        name: str = "circuit",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.reset_timeout_s:
            return "half_open"
        return "open"

    def before_call(self) -> None:
        """Raise :class:`CircuitOpenError` when a call must not be made now."""
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return
        raise CircuitOpenError(f"circuit {self.name!r} is open")

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        trial_failed = self._trial_in_flight
        self._trial_in_flight = False
        if trial_failed or self._failures >= self.failure_threshold:
            if self._opened_at is None or trial_failed:
                logger.warning("circuit opened", circuit=self.name, failures=self._failures)
            self._opened_at = self._clock()


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _should_retry(exc: BaseException) -> bool:
    return is_transient(exc) and not isinstance(exc, CircuitOpenError)


class InternalServiceClient:
    """A client of one service's internal API, e.g.
    ``InternalServiceClient(settings.bcs_url, service_id="batch_orchestrator_service",
    api_key=settings.internal_api_key)``. Close it with :meth:`close` (or ``async with``)."""

    def __init__(
        self,
        base_url: str,
        *,
        service_id: str,
        api_key: SecretStr | str,
        timeout_s: float = 5.0,
        retries: int = 3,
        backoff_initial_s: float = 0.1,
        backoff_max_s: float = 2.0,
        circuit_breaker: CircuitBreaker | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth_headers = internal_auth_headers(service_id, api_key)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._retries = retries
        self._wait = wait_exponential(multiplier=backoff_initial_s, max=backoff_max_s)
        self.circuit_breaker = circuit_breaker
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> InternalServiceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(self, path: str, **kwargs: Any) -> Any:
        return (await self.request("GET", path, **kwargs)).json()

    async def post_json(self, path: str, payload: Any, **kwargs: Any) -> Any:
        return (await self.request("POST", path, json_body=payload, **kwargs)).json()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: bytes | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        correlation_id: UUID | str | None = None,
    ) -> HttpResponse:
        """Send a request; returns 2xx responses, raises HttpStatusError for the others,
        CircuitOpenError when the circuit is open, or the last transient error."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        send_headers = self._headers(headers, correlation_id)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_should_retry),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt(
                    method,
                    url,
                    json_body=json_body,
                    data=data,
                    params=params,
                    headers=send_headers,
                )
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _headers(
        self, extra: Mapping[str, str] | None, correlation_id: UUID | str | None
    ) -> dict[str, str]:
        headers = {**self._auth_headers, **(extra or {})}
        correlation = correlation_id or structlog.contextvars.get_contextvars().get(
            "correlation_id"
        )
        if correlation:
            headers[CORRELATION_HEADER] = str(correlation)
        return headers

    async def _attempt(self, method: str, url: str, **kwargs: Any) -> HttpResponse:
        breaker = self.circuit_breaker
        if breaker is not None:
            breaker.before_call()
        try:
            response = await self._send(method, url, **kwargs)
        except Exception as exc:
            if breaker is not None:
                # Only transient failures say the dependency is down; a 4xx means it answered.
                if is_transient(exc):
                    breaker.record_failure()
                else:
                    breaker.record_success()
            raise
        if breaker is not None:
            breaker.record_success()
        return response

    async def _send(
        self,
        method: str,
        url: str,
        *,
        json_body: Any,
        data: bytes | None,
        params: Mapping[str, str] | None,
        headers: dict[str, str],
    ) -> HttpResponse:
        session = self._get_session()
        async with session.request(
            method, url, json=json_body, data=data, params=params, headers=headers
        ) as response:
            body = await response.read()
            result = HttpResponse(response.status, dict(response.headers), body)
        if not 200 <= result.status < 300:
            raise HttpStatusError(result.status, result.text, url=url)
        return result

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session
