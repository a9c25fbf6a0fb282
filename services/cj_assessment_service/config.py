"""Settings of the CJ Assessment Service (environment prefix ``CJ_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import ServiceSettingsBase

SERVICE_NAME = "cj_assessment_service"

JudgeKind = Literal["heuristic", "llm"]


class CJSettings(ServiceSettingsBase):
    """What the CJ worker needs: Content Service, pairing, the judge and its limits."""

    model_config = SettingsConfigDict(env_prefix="CJ_", extra="ignore")

    service_name: str = SERVICE_NAME
    http_port: int = Field(default=9095, ge=0, le=65535)
    consumer_group_id: str = SERVICE_NAME
    consumer_max_concurrency: int = Field(default=4, gt=0)

    content_url: str = "http://127.0.0.1:8001"
    content_timeout_seconds: float = Field(default=10.0, gt=0)
    content_fetch_concurrency: int = Field(default=8, gt=0)

    comparisons_per_essay: int = Field(default=8, gt=0)
    pairing_seed: int = 20240501
    min_essays: int = Field(default=2, ge=2)
    judging_chunk_size: int = Field(default=16, gt=0)
    bt_prior_strength: float = Field(default=0.1, gt=0)
    default_target_words: int = Field(default=350, gt=0)
    assessment_timeout_seconds: float = Field(default=600.0, gt=0)

    judge: JudgeKind = "heuristic"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_seconds: float = Field(default=30.0, gt=0)
    llm_retries: int = Field(default=3, ge=0)
    llm_retry_backoff_seconds: float = Field(default=0.5, ge=0)
    llm_max_concurrency: int = Field(default=4, gt=0)
    llm_max_essay_chars: int = Field(default=12_000, gt=0)

    @model_validator(mode="after")
    def _llm_judge_is_configured(self) -> CJSettings:
        if self.judge == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError("CJ_JUDGE=llm needs CJ_LLM_BASE_URL and CJ_LLM_MODEL")
        return self

    @property
    def handler_timeout_seconds(self) -> float:
        """The consumer's handler timeout: past the assessment's own timeout, so that an
        assessment that runs out of time is failed by the service, not retried by the runner."""
        return self.assessment_timeout_seconds + 60.0
