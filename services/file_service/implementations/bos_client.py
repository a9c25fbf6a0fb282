"""BOS's internal pipeline-state endpoint, as the File Service reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from huleedu_service_libs.errors import HttpStatusError, is_transient
from huleedu_service_libs.http_client import InternalServiceClient
from services.file_service.protocols import DependencyUnavailableError

USER_ID_HEADER = "X-User-ID"


class BosBatchStateReader:
    def __init__(self, http: InternalServiceClient) -> None:
        self._http = http

    async def pipeline_state(self, batch_id: str, user_id: str) -> Mapping[str, Any] | None:
        path = f"/internal/v1/batches/{quote(batch_id, safe='')}/pipeline-state"
        try:
            body = await self._http.get_json(path, headers={USER_ID_HEADER: user_id})
        except HttpStatusError as exc:
            if exc.status == 404:
                return None
            raise DependencyUnavailableError("batch_orchestrator_service", str(exc)) from exc
        except Exception as exc:
            if is_transient(exc):
                raise DependencyUnavailableError(
                    "batch_orchestrator_service", type(exc).__name__
                ) from exc
            raise
        if not isinstance(body, Mapping):
            raise DependencyUnavailableError("batch_orchestrator_service", "unexpected answer")
        return body
