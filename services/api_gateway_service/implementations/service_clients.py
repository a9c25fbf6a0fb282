"""The gateway's view of BOS, the File Service and RAS.

Ownership: writes are checked with BOS (the source of truth, never behind); reads go through RAS
and are answered only when RAS's view names the caller as the owner. Another user's batch and an
unknown batch both answer 404, so ids of other users' batches cannot be probed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..domain.uploads import UploadedFile, encode_multipart
from ..errors import GatewayError, not_found
from .downstream import Downstream


def _json_object(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw) if raw else None
    return value if isinstance(value, dict) else {}


class BosClient:
    """`reads` may retry; `writes` never does (a repeated registration is a second batch)."""

    def __init__(self, reads: Downstream, writes: Downstream) -> None:
        self._reads = reads
        self._writes = writes

    async def register_batch(
        self, body: dict[str, Any], user_id: str
    ) -> tuple[int, dict[str, Any]]:
        payload = {**body, "user_id": user_id}
        response = await self._writes.request(
            "POST", "/v1/batches/register", json_body=payload, user_id=user_id
        )
        return response.status, _json_object(response.body)

    async def require_owner(self, batch_id: str, user_id: str) -> dict[str, Any]:
        """BOS's pipeline state of the caller's batch; 404 when unknown or someone else's."""
        try:
            response = await self._reads.request(
                "GET", f"/internal/v1/batches/{batch_id}/pipeline-state", user_id=user_id
            )
        except GatewayError as exc:
            if exc.status == 404:
                raise not_found("batch", batch_id=batch_id) from None
            raise
        state = _json_object(response.body)
        if state.get("user_id") != user_id:
            raise not_found("batch", batch_id=batch_id)
        return state


class FileClient:
    def __init__(self, writes: Downstream) -> None:
        self._writes = writes

    async def upload(
        self, batch_id: str, user_id: str, files: Sequence[UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        body, content_type = encode_multipart(
            [("batch_id", batch_id)], [("files", upload) for upload in files]
        )
        try:
            response = await self._writes.request(
                "POST",
                "/v1/files/batch",
                data=body,
                user_id=user_id,
                headers={"Content-Type": content_type},
            )
        except GatewayError as exc:
            if exc.status == 404:
                raise not_found("batch", batch_id=batch_id) from None
            raise
        return response.status, _json_object(response.body)


class RasClient:
    """Reads from RAS, answered as raw JSON bytes (no re-serialisation on the hot path)."""

    def __init__(self, reads: Downstream) -> None:
        self._reads = reads

    async def batch_status(self, batch_id: str, user_id: str) -> bytes:
        """RAS's view of the caller's batch; 404 when unknown or someone else's."""
        try:
            response = await self._reads.request("GET", f"/internal/v1/batches/{batch_id}/status")
        except GatewayError as exc:
            if exc.status == 404:
                raise not_found("batch", batch_id=batch_id) from None
            raise
        if _json_object(response.body).get("user_id") != user_id:
            raise not_found("batch", batch_id=batch_id)
        return response.body

    async def user_batches(
        self, user_id: str, *, limit: int, offset: int, status: str | None
    ) -> bytes:
        params = {"limit": str(limit), "offset": str(offset)}
        if status is not None:
            params["status"] = status
        response = await self._reads.request(
            "GET", f"/internal/v1/users/{user_id}/batches", params=params
        )
        return response.body

    async def essay(self, batch_id: str, essay_id: str, user_id: str) -> bytes:
        await self.batch_status(batch_id, user_id)
        try:
            response = await self._reads.request(
                "GET", f"/internal/v1/batches/{batch_id}/essays/{essay_id}"
            )
        except GatewayError as exc:
            if exc.status == 404:
                raise not_found("essay", batch_id=batch_id, essay_id=essay_id) from None
            raise
        return response.body
