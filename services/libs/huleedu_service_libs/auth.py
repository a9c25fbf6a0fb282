"""Internal service authentication.

Every route of a non-gateway service, except ``/healthz``, ``/readyz`` and ``/metrics``, requires
``X-Service-ID`` (one of the known service names) and ``X-Internal-API-Key`` (the shared secret).
The key is compared in constant time; a missing or wrong credential answers 401 with the
standard JSON error body.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping

from pydantic import SecretStr
from quart import Blueprint, Quart, g, request
from werkzeug.datastructures import Headers

from huleedu_service_libs.api_errors import ApiError, ErrorCode

SERVICE_ID_HEADER = "X-Service-ID"
API_KEY_HEADER = "X-Internal-API-Key"
EXEMPT_PATHS: frozenset[str] = frozenset({"/healthz", "/readyz", "/metrics"})


def internal_auth_headers(service_id: str, api_key: SecretStr | str) -> dict[str, str]:
    """The headers a service sends to prove who it is to another service."""
    key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    return {SERVICE_ID_HEADER: service_id, API_KEY_HEADER: key}


class InternalAuth:
    """Checks service credentials on every request of an app or blueprint."""

    def __init__(
        self,
        api_key: SecretStr | str,
        known_service_ids: Iterable[str],
        *,
        exempt_paths: Iterable[str] = EXEMPT_PATHS,
    ) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self._expected_key = key.encode()
        self._known_service_ids = frozenset(known_service_ids)
        self._exempt_paths = frozenset(exempt_paths)

    def authenticate(self, headers: Headers | Mapping[str, str]) -> str:
        """The caller's service id, or :class:`ApiError` 401 when the credentials are not valid."""
        service_id = headers.get(SERVICE_ID_HEADER, "")
        provided_key = headers.get(API_KEY_HEADER, "").encode()
        # Always run the comparison, so timing does not tell which part was wrong.
        key_ok = hmac.compare_digest(provided_key, self._expected_key)
        if not (key_ok and self._expected_key and service_id in self._known_service_ids):
            raise ApiError(
                401,
                ErrorCode.UNAUTHORIZED,
                "missing or invalid service credentials",
                details={"required_headers": [SERVICE_ID_HEADER, API_KEY_HEADER]},
            )
        return service_id

    def install(self, target: Quart | Blueprint) -> None:
        """Guard every route of ``target`` (except the exempt paths) with a before-request hook.

        On an app, install it before hooks that do work for the request (the dishka request
        scope, for instance), so that an unauthenticated request costs nothing.
        """
        target.before_request(self._guard)

    async def _guard(self) -> None:
        if request.path in self._exempt_paths:
            return
        g.caller_service_id = self.authenticate(request.headers)


def caller_service_id() -> str | None:
    """The authenticated caller of the current request, if the guard ran."""
    value = g.get("caller_service_id")
    return value if isinstance(value, str) else None
