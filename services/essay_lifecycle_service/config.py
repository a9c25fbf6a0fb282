"""Settings of the Essay Lifecycle Service (environment prefix ``ELS_``).

The API (port 6001) and the worker (health/metrics on 6002) read the same settings; only the
default port differs. Both keep the service name ``essay_lifecycle_service``: it is the
consumer group, the outbox channel and the identity sent to other services.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "essay_lifecycle_service"


class ElsSettings(ServiceSettingsBase):
    """What the ELS API and worker need."""

    model_config = SettingsConfigDict(env_prefix="ELS_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=6001, ge=0, le=65535)
    consumer_group_id: str = SERVICE_NAME
    handler_timeout_seconds: float = Field(default=30.0, gt=0)
    readiness_sweep_interval_seconds: float = Field(default=30.0, gt=0)
    readiness_sweep_batch_size: int = Field(default=50, gt=0)
    phase_timeout_seconds: float = Field(default=600.0, gt=0)
    phase_sweep_interval_seconds: float = Field(default=15.0, gt=0)
    phase_sweep_batch_size: int = Field(default=50, gt=0)


class ElsWorkerSettings(ElsSettings):
    """The worker process: the same settings, its health/metrics server on 6002."""

    http_port: int = Field(default=6002, ge=0, le=65535)
