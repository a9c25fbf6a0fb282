"""Settings of the Content Service (environment prefix ``CONTENT_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

DEFAULT_MAX_CONTENT_BYTES = 5 * 1024 * 1024


class ContentSettings(ServiceSettingsBase):
    """What the Content Service needs: its database and the size limit of one stored item."""

    model_config = SettingsConfigDict(env_prefix="CONTENT_", extra="ignore")

    service_name: str = "content_service"
    http_port: int = Field(default=8001, ge=0, le=65535)
    max_content_bytes: int = Field(default=DEFAULT_MAX_CONTENT_BYTES, gt=0)
    default_content_type: str = "application/octet-stream"
