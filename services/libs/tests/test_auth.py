"""Internal service auth: guard on every route but health/ready/metrics, constant-time key check."""

from __future__ import annotations

import hmac

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from quart import Blueprint, Quart

from huleedu_service_libs.api_errors import install_error_handlers
from huleedu_service_libs.auth import (
    API_KEY_HEADER,
    SERVICE_ID_HEADER,
    InternalAuth,
    caller_service_id,
    internal_auth_headers,
)
from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.quart_app import create_service_app

API_KEY = "the-shared-secret"


def make_app(api_key: str = API_KEY) -> Quart:
    bp = Blueprint("internal", __name__)

    @bp.get("/internal/v1/whoami")
    async def whoami() -> dict[str, str | None]:
        return {"caller": caller_service_id()}

    @bp.get("/v1/public-looking")
    async def public_looking() -> dict[str, str]:
        return {"ok": "yes"}

    settings = ServiceSettingsBase(
        service_name="auth_test_service",
        internal_api_key=SecretStr(api_key),
        log_format="json",
    )
    return create_service_app(settings, blueprints=[bp], metrics_registry=CollectorRegistry())


def test_internal_auth_headers() -> None:
    assert internal_auth_headers("file_service", SecretStr("k")) == {
        SERVICE_ID_HEADER: "file_service",
        API_KEY_HEADER: "k",
    }
    assert internal_auth_headers("file_service", "k")[API_KEY_HEADER] == "k"


async def test_right_credentials_pass_and_caller_is_known() -> None:
    headers = internal_auth_headers("result_aggregator_service", API_KEY)

    response = await make_app().test_client().get("/internal/v1/whoami", headers=headers)

    assert response.status_code == 200
    assert await response.get_json() == {"caller": "result_aggregator_service"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SERVICE_ID_HEADER: "file_service"},
        {API_KEY_HEADER: API_KEY},
        {SERVICE_ID_HEADER: "file_service", API_KEY_HEADER: "wrong-key"},
        {SERVICE_ID_HEADER: "file_service", API_KEY_HEADER: API_KEY + "x"},
        {SERVICE_ID_HEADER: "evil_service", API_KEY_HEADER: API_KEY},
    ],
    ids=["none", "no-key", "no-service", "wrong-key", "longer-key", "unknown-service"],
)
async def test_missing_or_wrong_credentials_are_401_json(headers: dict[str, str]) -> None:
    response = await make_app().test_client().get("/internal/v1/whoami", headers=headers)

    assert response.status_code == 401
    body = await response.get_json()
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["correlation_id"] == response.headers["X-Correlation-ID"]
    assert API_KEY not in await response.get_data(as_text=True)


async def test_every_non_operational_route_is_guarded() -> None:
    client = make_app().test_client()

    assert (await client.get("/v1/public-looking")).status_code == 401
    assert (await client.get("/does-not-exist")).status_code == 401


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
async def test_operational_routes_are_exempt(path: str) -> None:
    response = await make_app().test_client().get(path)

    assert response.status_code == 200


async def test_empty_configured_key_accepts_nobody() -> None:
    headers = {SERVICE_ID_HEADER: "file_service", API_KEY_HEADER: ""}

    response = await make_app(api_key="").test_client().get("/internal/v1/whoami", headers=headers)

    assert response.status_code == 401


async def test_key_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    client = make_app().test_client()

    await client.get("/internal/v1/whoami", headers=internal_auth_headers("file_service", "bad"))

    assert calls == [(b"bad", API_KEY.encode())]


async def test_guard_can_protect_a_single_blueprint() -> None:
    app = Quart("bp_auth")
    install_error_handlers(app)
    guarded = Blueprint("guarded", __name__)
    open_bp = Blueprint("open", __name__)
    InternalAuth(API_KEY, ["file_service"]).install(guarded)

    @guarded.get("/internal/v1/x")
    async def internal_x() -> dict[str, str]:
        return {"ok": "internal"}

    @open_bp.get("/v1/y")
    async def public_y() -> dict[str, str]:
        return {"ok": "public"}

    app.register_blueprint(guarded)
    app.register_blueprint(open_bp)
    client = app.test_client()

    assert (await client.get("/internal/v1/x")).status_code == 401
    assert (await client.get("/v1/y")).status_code == 200
    ok = await client.get("/internal/v1/x", headers=internal_auth_headers("file_service", API_KEY))
    assert ok.status_code == 200
