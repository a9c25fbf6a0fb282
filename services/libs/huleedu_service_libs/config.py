"""Settings shared by every HuleEdu service.

Each service subclasses :class:`ServiceSettingsBase` with its own environment prefix::

    class Settings(ServiceSettingsBase):
        model_config = SettingsConfigDict(env_prefix="BOS_")
        service_name: str = "batch_orchestrator_service"
        http_port: int = 5001

and reads it once at startup (``Settings()``), never at import time.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["development", "test", "production"]
LogFormat = Literal["auto", "json", "console"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

KNOWN_SERVICE_IDS: tuple[str, ...] = (
    "api_gateway_service",
    "batch_conductor_service",
    "result_aggregator_service",
    "batch_orchestrator_service",
    "essay_lifecycle_service",
    "file_service",
    "content_service",
    "spellchecker_service",
    "cj_assessment_service",
)
"""Every service name that may call another service's internal API."""


class KafkaSettingsMixin(BaseSettings):
    """Kafka connection and consumer tuning shared by producers and consumers."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_session_timeout_ms: int = Field(default=10_000, gt=0)
    kafka_heartbeat_interval_ms: int = Field(default=3_000, gt=0)
    kafka_enable_idempotence: bool = False
    kafka_max_poll_records: int = Field(default=500, gt=0)
    kafka_topic_partitions: int = Field(default=3, gt=0)


class ServiceSettingsBase(KafkaSettingsMixin):
    """Common fields of every service; optional pieces (database, Redis) default to ``None``."""

    model_config = SettingsConfigDict(
        env_file=None,
        extra="ignore",
        case_sensitive=False,
        validate_default=True,
    )

    service_name: str = "huleedu_service"
    environment: Environment = "development"
    log_level: LogLevel = "INFO"
    log_format: LogFormat = "auto"

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=0, le=65535)

    internal_api_key: SecretStr = SecretStr("")
    known_service_ids: Annotated[tuple[str, ...], NoDecode] = KNOWN_SERVICE_IDS

    database_url: str | None = None
    db_pool_size: int = Field(default=10, gt=0)
    db_max_overflow: int = Field(default=5, ge=0)
    redis_url: str | None = None

    readiness_timeout_seconds: float = Field(default=2.0, gt=0)
    shutdown_timeout_seconds: float = Field(default=15.0, gt=0)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("known_service_ids", mode="before")
    @classmethod
    def _split_service_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            return json.loads(value)
        return tuple(part.strip() for part in value.split(",") if part.strip())

    def require_database_url(self) -> str:
        """The database URL, or a clear error for a service configured without one."""
        if not self.database_url:
            raise ValueError(f"{self.service_name}: database_url is not configured")
        return self.database_url

    def require_redis_url(self) -> str:
        """The Redis URL, or a clear error for a service configured without one."""
        if not self.redis_url:
            raise ValueError(f"{self.service_name}: redis_url is not configured")
        return self.redis_url
