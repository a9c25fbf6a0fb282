"""Settings of the API Gateway (environment prefix `GATEWAY_`)."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

from .domain.tokens import DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, JwtAlgorithm

SERVICE_NAME = "api_gateway_service"
_MB = 1024 * 1024
DEFAULT_CORS_ORIGINS = ("http://localhost:3000", "http://localhost:5173")


def _split_list(value: object) -> object:
    """Accept a JSON list or a comma-separated string from the environment."""
    if not isinstance(value, str):
        return value
    if value.lstrip().startswith("["):
        return json.loads(value)
    return tuple(part.strip() for part in value.split(",") if part.strip())


class GatewaySettings(ServiceSettingsBase):
    """Gateway configuration; read once at startup (`GatewaySettings()`)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=4001, ge=0, le=65535)

    bos_url: str = "http://127.0.0.1:5001"
    file_url: str = "http://127.0.0.1:7001"
    ras_url: str = "http://127.0.0.1:4003"
    downstream_timeout_seconds: float = Field(default=5.0, gt=0)
    upload_timeout_seconds: float = Field(default=60.0, gt=0)
    read_retries: int = Field(
        default=1, ge=0, description="Retries of a transient failure of a read (GET) downstream."
    )
    circuit_failure_threshold: int = Field(default=5, ge=1)
    circuit_reset_seconds: float = Field(default=10.0, gt=0)

    jwt_secret: SecretStr = SecretStr("")
    jwt_public_key: SecretStr = Field(
        default=SecretStr(""), description="PEM public key; when set, tokens must be RS256."
    )
    jwt_issuer: str = DEFAULT_JWT_ISSUER
    jwt_audience: str = DEFAULT_JWT_AUDIENCE
    jwt_leeway_seconds: float = Field(default=10.0, ge=0)

    cors_origins: Annotated[tuple[str, ...], NoDecode] = DEFAULT_CORS_ORIGINS

    rate_limit_window_seconds: int = Field(default=60, gt=0)
    rate_limit_reads: int = Field(default=600, gt=0, description="Reads per user, route, window.")
    rate_limit_writes: int = Field(
        default=60, gt=0, description="Registrations / pipeline requests per user, route, window."
    )
    rate_limit_uploads: int = Field(default=30, gt=0, description="Uploads per user per window.")

    max_file_bytes: int = Field(default=5 * _MB, gt=0)
    max_files_per_upload: int = Field(default=200, gt=0)
    max_upload_bytes: int = Field(default=32 * _MB, gt=0, description="Whole multipart body.")

    kafka_connect_timeout_seconds: float = Field(default=10.0, gt=0)
    kafka_publish_timeout_seconds: float = Field(default=5.0, gt=0)

    ws_send_queue_size: int = Field(default=100, gt=0)
    ws_ping_interval_seconds: float = Field(default=20.0, gt=0)
    ws_ping_timeout_seconds: float = Field(default=20.0, gt=0)
    ws_close_timeout_seconds: float = Field(default=2.0, gt=0)

    readiness_checks_downstream: bool = Field(
        default=False, description="Also require BOS, File and RAS health for /readyz."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return _split_list(value)

    @model_validator(mode="after")
    def _jwt_key_configured(self) -> GatewaySettings:
        if not (self.jwt_secret.get_secret_value() or self.jwt_public_key.get_secret_value()):
            raise ValueError(
                "configure GATEWAY_JWT_SECRET (HS256) or GATEWAY_JWT_PUBLIC_KEY (RS256)"
            )
        return self

    @property
    def jwt_algorithm(self) -> JwtAlgorithm:
        return "RS256" if self.jwt_public_key.get_secret_value() else "HS256"

    @property
    def jwt_verification_key(self) -> str:
        key = self.jwt_public_key if self.jwt_algorithm == "RS256" else self.jwt_secret
        return key.get_secret_value()
