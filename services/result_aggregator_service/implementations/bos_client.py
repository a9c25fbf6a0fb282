"""BOS's `GET /internal/v1/batches/{batch_id}/pipeline-state`: who owns a batch RAS has not seen.

Transient failures (BOS down, 5xx, timeouts) propagate after the client's retries, so the
consumer retries the event later without committing it; a 404 means the batch does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from huleedu_service_libs.errors import HttpStatusError
from huleedu_service_libs.http_client import InternalServiceClient

from ..config import RASSettings
from ..protocols import BatchOwner

PIPELINE_STATE_PATH = "/internal/v1/batches/{batch_id}/pipeline-state"


class _PipelineStateAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    batch_id: str
    user_id: str
    batch_status: str | None = None


def bos_client(settings: RASSettings) -> InternalServiceClient:
    """The HTTP client of BOS with the timeout and retries of the settings."""
    return InternalServiceClient(
        settings.bos_url,
        service_id=settings.service_name,
        api_key=settings.internal_api_key,
        timeout_s=settings.bos_query_timeout_seconds,
        retries=settings.bos_query_retries,
    )


class BosBatchDirectory:
    """Looks a batch up in BOS, the source of truth for batches and their owners."""

    def __init__(self, client: InternalServiceClient) -> None:
        self._client = client

    async def find(self, batch_id: str) -> BatchOwner | None:
        path = PIPELINE_STATE_PATH.format(batch_id=quote(batch_id, safe=""))
        try:
            body = await self._client.get_json(path)
        except HttpStatusError as exc:
            if exc.status == 404:
                return None
            raise
        answer = _PipelineStateAnswer.model_validate(body)
        return BatchOwner(batch_id=answer.batch_id, user_id=answer.user_id)
