"""A client of the Content Service for the services that store or read essay texts.

    async with ContentServiceClient.create(
        settings.content_url, service_id=settings.service_name, api_key=settings.internal_api_key
    ) as content:
        storage_id = await content.store_text("An essay ...")
        text = await content.fetch_text(storage_id)

The Content Service is content-addressed, so storing the same text twice returns the same id
and a retried POST is harmless. Transient failures (connection errors, timeouts, 5xx) are
retried by :class:`~huleedu_service_libs.http_client.InternalServiceClient` and then raised as
they are; an unknown id raises :class:`ContentNotFoundError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote
from uuid import UUID

from pydantic import SecretStr

from huleedu_service_libs.errors import HttpStatusError
from huleedu_service_libs.http_client import InternalServiceClient

__all__ = [
    "CONTENT_PATH",
    "TEXT_CONTENT_TYPE",
    "ContentNotFoundError",
    "ContentServiceClient",
    "InvalidContentResponseError",
]

CONTENT_PATH = "/v1/content"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"


class ContentNotFoundError(LookupError):
    """The Content Service has nothing under this storage id."""

    def __init__(self, storage_id: str) -> None:
        super().__init__(f"no content stored under {storage_id!r}")
        self.storage_id = storage_id


class InvalidContentResponseError(RuntimeError):
    """The Content Service answered 2xx without a usable storage id."""


class ContentServiceClient:
    """Stores and fetches texts (and raw bytes) in the Content Service."""

    def __init__(self, http: InternalServiceClient) -> None:
        self._http = http

    @classmethod
    def create(
        cls,
        base_url: str,
        *,
        service_id: str,
        api_key: SecretStr | str,
        **client_options: Any,
    ) -> ContentServiceClient:
        """A client with its own :class:`InternalServiceClient` (``client_options`` are passed
        on: ``timeout_s``, ``retries``, ``circuit_breaker``, ...)."""
        http = InternalServiceClient(
            base_url, service_id=service_id, api_key=api_key, **client_options
        )
        return cls(http)

    async def __aenter__(self) -> ContentServiceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.close()

    async def store_text(self, text: str, *, correlation_id: UUID | str | None = None) -> str:
        """Store ``text`` as UTF-8; return its storage id."""
        return await self.store_bytes(
            text.encode("utf-8"), TEXT_CONTENT_TYPE, correlation_id=correlation_id
        )

    async def fetch_text(self, storage_id: str, *, correlation_id: UUID | str | None = None) -> str:
        """The text stored under ``storage_id`` (decoded as UTF-8)."""
        data, _ = await self.fetch_bytes(storage_id, correlation_id=correlation_id)
        return data.decode("utf-8")

    async def store_bytes(
        self, data: bytes, content_type: str, *, correlation_id: UUID | str | None = None
    ) -> str:
        """Store ``data`` with its content type; return its storage id."""
        response = await self._http.request(
            "POST",
            CONTENT_PATH,
            data=data,
            headers={"Content-Type": content_type},
            correlation_id=correlation_id,
        )
        body = response.json()
        storage_id = body.get("storage_id") if isinstance(body, dict) else None
        if not isinstance(storage_id, str) or not storage_id:
            raise InvalidContentResponseError("the Content Service returned no storage_id")
        return storage_id

    async def fetch_bytes(
        self, storage_id: str, *, correlation_id: UUID | str | None = None
    ) -> tuple[bytes, str]:
        """The bytes stored under ``storage_id`` and their content type."""
        path = f"{CONTENT_PATH}/{quote(storage_id, safe='')}"
        try:
            response = await self._http.request("GET", path, correlation_id=correlation_id)
        except HttpStatusError as exc:
            if exc.status == 404:
                raise ContentNotFoundError(storage_id) from None
            raise
        content_type = _header(response.headers, "Content-Type") or "application/octet-stream"
        return response.body, content_type


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)
