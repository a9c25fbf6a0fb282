"""Gateway settings: JWT key selection, CORS origins from the environment, uvicorn options."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.api_gateway_service.config import DEFAULT_CORS_ORIGINS, GatewaySettings


def test_defaults_and_hs256(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_JWT_SECRET", "s")

    settings = GatewaySettings()

    assert (settings.http_port, settings.service_name) == (4001, "api_gateway_service")
    assert settings.cors_origins == DEFAULT_CORS_ORIGINS
    assert (settings.jwt_algorithm, settings.jwt_verification_key) == ("HS256", "s")


def test_a_public_key_selects_rs256() -> None:
    settings = GatewaySettings(jwt_secret="s", jwt_public_key="-----BEGIN PUBLIC KEY-----")

    assert settings.jwt_algorithm == "RS256"
    assert settings.jwt_verification_key.startswith("-----BEGIN")


def test_a_key_is_required() -> None:
    with pytest.raises(ValidationError, match="GATEWAY_JWT_SECRET"):
        GatewaySettings()


@pytest.mark.parametrize(
    ("raw", "origins"),
    [
        ("https://a.example, https://b.example", ("https://a.example", "https://b.example")),
        ('["https://a.example"]', ("https://a.example",)),
    ],
)
def test_cors_origins_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, origins: tuple[str, ...]
) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", raw)

    assert GatewaySettings(jwt_secret="s").cors_origins == origins


def test_uvicorn_gets_the_websocket_keepalive_settings() -> None:
    from services.api_gateway_service.main import create_app, uvicorn_config

    settings = GatewaySettings(
        jwt_secret="s", ws_ping_interval_seconds=7, ws_ping_timeout_seconds=3, http_port=4555
    )
    config = uvicorn_config(create_app(settings, configure_logs=False), settings)

    assert (config.ws_ping_interval, config.ws_ping_timeout, config.port) == (7, 3, 4555)


def test_uvicorn_serves_with_httptools_on_uvloop() -> None:
    import uvloop
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from services.api_gateway_service.main import create_app, uvicorn_config

    settings = GatewaySettings(jwt_secret="s")
    config = uvicorn_config(create_app(settings, configure_logs=False), settings)
    config.load()
    loop_factory = config.get_loop_factory()

    assert config.http_protocol_class is HttpToolsProtocol
    assert loop_factory is not None
    loop = loop_factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
