"""Pipeline resolution: requested pipeline + batch state → ordered phases, pruned phases.

Every failure (unknown pipeline, internal error) is counted, timed and handed to the
resolution dead-letter topic before it reaches the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from common_core.field_types import utc_now

from .api_models import DefinePipelineRequest, DefinePipelineResponse
from .domain.dead_letter import ResolutionDeadLetter
from .domain.pipeline_catalog import PipelineCatalog, UnknownPipelineError
from .domain.resolution import analysis_summary, prune_completed
from .metrics import BCSMetrics
from .protocols import BatchStateReader, ResolutionDeadLetters

logger = structlog.get_logger(__name__)

SUCCESS = "success"
UNKNOWN_PIPELINE = "unknown_pipeline"
ERROR = "error"


class PipelineResolutionService:
    def __init__(
        self,
        *,
        catalog: PipelineCatalog,
        reader: BatchStateReader,
        dead_letters: ResolutionDeadLetters,
        metrics: BCSMetrics,
        service_name: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._catalog = catalog
        self._reader = reader
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._service_name = service_name
        self._clock = clock

    async def define(self, request: DefinePipelineRequest) -> DefinePipelineResponse:
        """Resolve the request; raises `UnknownPipelineError` for a pipeline not configured."""
        started = time.perf_counter()
        try:
            response = await self._resolve(request)
        except UnknownPipelineError as exc:
            self._fail(request, UNKNOWN_PIPELINE, str(exc), started)
            raise
        except Exception as exc:
            reason = f"internal_error: {type(exc).__name__}: {str(exc)[:300]}"
            self._fail(request, ERROR, reason, started)
            raise
        self._metrics.resolved(SUCCESS, time.perf_counter() - started)
        logger.info(
            "pipeline_resolved",
            requested_pipeline=request.requested_pipeline,
            final_pipeline=[phase.value for phase in response.final_pipeline],
            pruned_phases=[phase.value for phase in response.pruned_phases],
            state_source=response.analysis_summary["state_source"],
        )
        return response

    async def _resolve(self, request: DefinePipelineRequest) -> DefinePipelineResponse:
        required = self._catalog.phases_for(request.requested_pipeline)
        state, source = await self._reader.read(request.batch_id)
        resolution = prune_completed(
            required, self._catalog.dependencies_of, state.completed_phases()
        )
        summary = analysis_summary(
            state,
            requested_pipeline=request.requested_pipeline,
            required_phases=required,
            state_source=source.value,
        )
        return DefinePipelineResponse(
            batch_id=request.batch_id,
            final_pipeline=list(resolution.final_pipeline),
            pruned_phases=list(resolution.pruned_phases),
            analysis_summary=summary,
        )

    def _fail(
        self, request: DefinePipelineRequest, status: str, reason: str, started: float
    ) -> None:
        self._metrics.resolved(status, time.perf_counter() - started)
        logger.warning(
            "pipeline_resolution_failed",
            requested_pipeline=request.requested_pipeline,
            status=status,
            reason=reason,
        )
        self._dead_letters.submit(self._letter(request.model_dump(mode="json"), reason))

    def _letter(self, request: dict[str, Any], reason: str) -> ResolutionDeadLetter:
        return ResolutionDeadLetter(
            request=request,
            dlq_reason=reason,
            timestamp=self._clock(),
            service=self._service_name,
        )
