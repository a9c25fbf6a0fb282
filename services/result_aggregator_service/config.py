"""Settings of the Result Aggregator Service (environment prefix `RAS_`)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "result_aggregator_service"


class MissingBatchPolicy(StrEnum):
    """What RAS does with an event for a batch whose registration it has not seen."""

    QUERY_BOS = "query_bos"
    """Ask BOS for the batch's owner and create the view row (BOS 404: skip the event)."""
    SKIP = "skip"
    """Log and skip the event."""


class RASSettings(ServiceSettingsBase):
    """RAS configuration; read once at startup (`RASSettings()`), never at import time."""

    model_config = SettingsConfigDict(env_prefix="RAS_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=4003, ge=0, le=65535)

    bos_url: str = "http://127.0.0.1:5001"
    content_url: str = "http://127.0.0.1:8001"

    handle_missing_batches: MissingBatchPolicy = MissingBatchPolicy.QUERY_BOS
    bos_query_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Timeout of one pipeline-state call to BOS."
    )
    bos_query_retries: int = Field(
        default=3, ge=0, description="Retries of a transient BOS failure within one handling."
    )
    content_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Timeout of one corrected-text fetch from Content."
    )
    content_retries: int = Field(default=2, ge=0)

    cache_ttl_seconds: int = Field(
        default=60, ge=1, description="Lifetime of a cached API response in Redis."
    )
    cache_key_prefix: str = "ras:cache"

    consumer_group_id: str = SERVICE_NAME
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_handler_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Bound of one handling; above the worst case of the BOS lookup retries.",
    )
    rebuild_poll_interval_seconds: float = Field(
        default=0.2, gt=0, description="How often the rebuild checks whether it caught up."
    )
