"""Settings of the Batch Conductor Service (environment prefix `BCS_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "batch_conductor_service"
DEFAULT_PIPELINES_FILE = Path(__file__).resolve().with_name("pipelines.yaml")


class BCSSettings(ServiceSettingsBase):
    """BCS configuration; read once at startup (`BCSSettings()`), never at import time."""

    model_config = SettingsConfigDict(env_prefix="BCS_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=4002, ge=0, le=65535)
    db_pool_size: int = Field(default=10, gt=0)
    db_max_overflow: int = Field(default=10, ge=0)

    pipelines_file: Path = DEFAULT_PIPELINES_FILE

    consumer_group_id: str = SERVICE_NAME
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_handler_timeout_seconds: float = Field(default=30.0, gt=0)
    consumer_max_concurrency: int = Field(
        default=4, ge=1, description="Batches projected concurrently (one batch stays in order)."
    )

    state_cache_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    redis_timeout_seconds: float = Field(
        default=0.5, gt=0, description="Bound on each cache operation; past it Postgres answers."
    )
    redis_max_connections: int = Field(default=50, gt=0)
    dead_letter_publish_timeout_seconds: float = Field(default=10.0, gt=0)
