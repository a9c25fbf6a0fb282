"""Settings of the Spell Checker Service (environment prefix `SPELL_`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "spellchecker_service"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """Where built dictionaries are cached: the project's `.huleedu/cache` folder."""
    return _PROJECT_ROOT / ".huleedu" / "cache" / SERVICE_NAME


class SpellSettings(ServiceSettingsBase):
    """Spell checker configuration; read once at startup (`SpellSettings()`)."""

    model_config = SettingsConfigDict(env_prefix="SPELL_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=8002, ge=0, le=65535)

    content_url: str = "http://127.0.0.1:8001"
    content_timeout_seconds: float = Field(default=10.0, gt=0)
    content_retries: int = Field(default=3, ge=0)

    languages: Annotated[tuple[str, ...], NoDecode] = ("en", "sv")
    data_dir: Path = Field(default_factory=default_data_dir)

    consumer_group_id: str = SERVICE_NAME
    consumer_max_attempts: int = Field(default=3, ge=1)
    handler_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Longest one essay may take; the claim outlives it."
    )
    claim_ttl_margin_seconds: float = Field(default=10.0, gt=0)
    claim_done_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    claim_key_prefix: str = "huleedu:claim"

    @field_validator("languages", mode="before")
    @classmethod
    def _split_languages(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            return json.loads(value)
        return tuple(part.strip() for part in value.split(",") if part.strip())
