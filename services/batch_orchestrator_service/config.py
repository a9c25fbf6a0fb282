"""Settings of the Batch Orchestrator Service (environment prefix `BOS_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "batch_orchestrator_service"


class BOSSettings(ServiceSettingsBase):
    """BOS configuration; read once at startup (`BOSSettings()`), never at import time."""

    model_config = SettingsConfigDict(env_prefix="BOS_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=5001, ge=0, le=65535)

    bcs_url: str = "http://127.0.0.1:4002"
    bcs_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Timeout of one call to BCS's pipeline definition."
    )
    bcs_retries: int = Field(
        default=2, ge=0, description="Retries of a transient BCS failure within one handling."
    )
    bcs_circuit_failure_threshold: int = Field(
        default=5, ge=1, description="Consecutive transient BCS failures that open the circuit."
    )
    bcs_circuit_reset_seconds: float = Field(
        default=15.0, gt=0, description="How long the open circuit fails fast before a trial."
    )
    essay_readiness_timeout_seconds: float = Field(
        default=24 * 3600.0,
        gt=0,
        description="How long after registration ELS waits for every essay (readiness_deadline).",
    )
    consumer_group_id: str = SERVICE_NAME
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_handler_timeout_seconds: float = Field(default=30.0, gt=0)
    store_dead_letters: bool = Field(
        default=True, description="Also keep each dead letter in the `dead_letters` table."
    )
