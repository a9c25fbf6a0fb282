"""Settings of the File Service (environment prefix ``FILE_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

_MB = 1024 * 1024


class FileSettings(ServiceSettingsBase):
    """Peers, limits and timeouts of the File Service."""

    model_config = SettingsConfigDict(env_prefix="FILE_", extra="ignore")

    service_name: str = "file_service"
    http_port: int = Field(default=7001, ge=0, le=65535)

    bos_url: str = "http://127.0.0.1:5001"
    content_url: str = "http://127.0.0.1:8001"
    bos_query_timeout_seconds: float = Field(default=5.0, gt=0)
    bos_retries: int = Field(default=3, ge=0)
    content_timeout_seconds: float = Field(default=10.0, gt=0)
    content_retries: int = Field(default=3, ge=0)
    content_store_concurrency: int = Field(default=8, gt=0)

    # One file larger than this is rejected (and fills its essay slot as failed); a whole
    # request larger than max_request_bytes is refused with 413 before anything is read.
    max_file_bytes: int = Field(default=5 * _MB, gt=0)
    max_request_bytes: int = Field(default=32 * _MB, gt=0)
    max_files_per_request: int = Field(default=500, gt=0)
    min_text_chars: int = Field(default=50, ge=1)
    max_text_chars: int = Field(default=1_000_000, gt=0)
