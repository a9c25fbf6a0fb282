"""ServiceSettingsBase: environment prefix, parsing of lists and levels, optional pieces."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from huleedu_service_libs.config import KNOWN_SERVICE_IDS, ServiceSettingsBase


class ExampleSettings(ServiceSettingsBase):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_SVC_")

    service_name: str = "example_service"
    http_port: int = 7777


def test_reads_env_with_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_SVC_HTTP_PORT", "5001")
    monkeypatch.setenv("EXAMPLE_SVC_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    monkeypatch.setenv("EXAMPLE_SVC_INTERNAL_API_KEY", "s3cret")
    monkeypatch.setenv("EXAMPLE_SVC_DATABASE_URL", "postgresql+asyncpg://u@/bos?host=/tmp")
    monkeypatch.setenv("EXAMPLE_SVC_KAFKA_ENABLE_IDEMPOTENCE", "true")
    monkeypatch.setenv("HTTP_PORT", "1234")  # without the prefix: ignored

    settings = ExampleSettings()

    assert settings.http_port == 5001
    assert settings.kafka_bootstrap_servers == "127.0.0.1:19092"
    assert settings.internal_api_key.get_secret_value() == "s3cret"
    assert settings.database_url == "postgresql+asyncpg://u@/bos?host=/tmp"
    assert settings.kafka_enable_idempotence is True


def test_defaults_keep_optional_pieces_off(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ExampleSettings()

    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.environment == "development"
    assert settings.kafka_session_timeout_ms == 10_000
    assert settings.kafka_heartbeat_interval_ms == 3_000
    assert settings.known_service_ids == KNOWN_SERVICE_IDS
    with pytest.raises(ValueError, match="example_service: database_url"):
        settings.require_database_url()
    with pytest.raises(ValueError, match="redis_url"):
        settings.require_redis_url()


def test_secret_is_not_shown_in_repr() -> None:
    settings = ExampleSettings(internal_api_key=SecretStr("top-secret"))

    assert "top-secret" not in repr(settings)


def test_known_service_ids_from_comma_list_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_SVC_KNOWN_SERVICE_IDS", "file_service, content_service")
    assert ExampleSettings().known_service_ids == ("file_service", "content_service")

    monkeypatch.setenv("EXAMPLE_SVC_KNOWN_SERVICE_IDS", '["a_service"]')
    assert ExampleSettings().known_service_ids == ("a_service",)


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_SVC_LOG_LEVEL", "debug")

    assert ExampleSettings().log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EXAMPLE_SVC_ENVIRONMENT", "staging"),
        ("EXAMPLE_SVC_LOG_FORMAT", "xml"),
        ("EXAMPLE_SVC_DB_POOL_SIZE", "0"),
    ],
)
def test_invalid_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError):
        ExampleSettings()
