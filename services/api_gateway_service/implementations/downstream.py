"""Calls to BOS, the File Service and RAS, with their failures turned into gateway errors.

A downstream 4xx is the client's problem and passes through with the downstream's error code and
message; a 5xx becomes 502, an unreachable service or open circuit 503, a timeout 504.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import structlog

from common_core.error_models import ErrorCode
from huleedu_service_libs.errors import CircuitOpenError, HttpStatusError, is_transient
from huleedu_service_libs.http_client import HttpResponse, InternalServiceClient

from ..errors import GatewayError

logger = structlog.stdlib.get_logger(__name__)

USER_ID_HEADER = "X-User-ID"


def _downstream_client_error(service: str, exc: HttpStatusError) -> GatewayError:
    code, message, details = ErrorCode.BAD_REQUEST, f"{service} refused the request", {}
    try:
        error = json.loads(exc.body)["error"]
        code = ErrorCode(error["code"])
        message = str(error["message"])
        details = dict(error.get("details") or {})
    except (ValueError, KeyError, TypeError):
        pass
    return GatewayError(exc.status, code, message, details)


def downstream_error(service: str, exc: Exception) -> GatewayError:
    """The answer to give the client when a call to `service` failed with `exc`."""
    if isinstance(exc, HttpStatusError) and 400 <= exc.status < 500 and exc.status != 429:
        return _downstream_client_error(service, exc)
    details = {"service": service}
    if isinstance(exc, TimeoutError):
        return GatewayError(
            504, ErrorCode.UPSTREAM_TIMEOUT, f"{service} did not answer in time", details
        )
    if isinstance(exc, HttpStatusError):
        logger.warning("downstream error", service=service, status=exc.status)
        return GatewayError(502, ErrorCode.UPSTREAM_ERROR, f"{service} failed to answer", details)
    if isinstance(exc, CircuitOpenError) or is_transient(exc):
        logger.warning("downstream unavailable", service=service, error=repr(exc))
        return GatewayError(
            503,
            ErrorCode.SERVICE_UNAVAILABLE,
            f"{service} is unavailable; try again later",
            details,
        )
    raise exc


class Downstream:
    """One service the gateway calls; every failure surfaces as a `GatewayError`."""

    def __init__(self, name: str, client: InternalServiceClient) -> None:
        self.name = name
        self.client = client

    async def request(
        self,
        method: str,
        path: str,
        *,
        user_id: str | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        send_headers = dict(headers or {})
        if user_id is not None:
            send_headers[USER_ID_HEADER] = user_id
        try:
            return await self.client.request(
                method, path, json_body=json_body, data=data, params=params, headers=send_headers
            )
        except Exception as exc:
            raise downstream_error(self.name, exc) from None

    async def close(self) -> None:
        await self.client.close()
