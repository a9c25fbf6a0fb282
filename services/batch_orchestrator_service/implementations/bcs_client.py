"""BCS's `POST /internal/v1/pipelines/define` as a PipelineResolver.

Transient failures (BCS down, 5xx, 429, timeouts, an open circuit) propagate, so the consumer
retries the request later without committing it; a 400 means the pipeline is unknown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from common_core.status_enums import PhaseName
from huleedu_service_libs.errors import HttpStatusError
from huleedu_service_libs.http_client import CircuitBreaker, InternalServiceClient

from ..config import BOSSettings
from ..domain.pipeline_runs import PipelineResolution
from ..protocols import UnknownPipelineError

DEFINE_PATH = "/internal/v1/pipelines/define"


class DefinePipelineResponse(BaseModel):
    """BCS's answer (extra fields are ignored)."""

    model_config = ConfigDict(extra="ignore")

    batch_id: str
    final_pipeline: list[PhaseName]
    pruned_phases: list[PhaseName] = []
    analysis_summary: Any = None


class _ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: str


class DefineErrorBody(BaseModel):
    """The standard JSON error body (`{"error": {"code", "message", ...}}`)."""

    model_config = ConfigDict(extra="ignore")

    error: _ErrorDetail


def bcs_client(settings: BOSSettings) -> InternalServiceClient:
    """The HTTP client of BCS with the timeout, retries and circuit breaker of the settings."""
    breaker = CircuitBreaker(
        failure_threshold=settings.bcs_circuit_failure_threshold,
        reset_timeout_s=settings.bcs_circuit_reset_seconds,
        name="bcs",
    )
    return InternalServiceClient(
        settings.bcs_url,
        service_id=settings.service_name,
        api_key=settings.internal_api_key,
        timeout_s=settings.bcs_timeout_seconds,
        retries=settings.bcs_retries,
        circuit_breaker=breaker,
    )


class BcsPipelineResolver:
    """PipelineResolver over BCS's HTTP API."""

    def __init__(self, client: InternalServiceClient) -> None:
        self._client = client

    async def resolve(
        self, batch_id: str, requested_pipeline: str, correlation_id: UUID
    ) -> PipelineResolution:
        payload = {
            "batch_id": batch_id,
            "requested_pipeline": requested_pipeline,
            "correlation_id": str(correlation_id),
        }
        try:
            body = await self._client.post_json(DEFINE_PATH, payload, correlation_id=correlation_id)
        except HttpStatusError as exc:
            if exc.status == 400:
                raise UnknownPipelineError(_error_message(exc)) from exc
            raise
        answer = DefinePipelineResponse.model_validate(body)
        return PipelineResolution(
            final_pipeline=tuple(answer.final_pipeline),
            pruned_phases=tuple(answer.pruned_phases),
        )


def _error_message(exc: HttpStatusError) -> str:
    """BCS's error message from its standard JSON error body, else a generic one."""
    try:
        body = DefineErrorBody.model_validate_json(exc.body)
    except ValueError:
        return "the requested pipeline is unknown"
    return body.error.message
