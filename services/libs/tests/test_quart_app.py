"""create_service_app: operational routes, JSON errors, correlation ids, dishka, lifecycle."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
from dishka import FromDishka, Provider, Scope, make_async_container, provide
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, Field, SecretStr
from quart import Blueprint, Quart, request
from quart_dishka import QuartProvider, inject

from huleedu_service_libs.api_errors import ApiError, ErrorCode
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.correlation import CORRELATION_HEADER, current_correlation_id
from huleedu_service_libs.health import ReadinessCheck
from huleedu_service_libs.logging import configure_logging, get_logger
from huleedu_service_libs.quart_app import BackgroundTask, create_service_app, service_runtime

API_KEY = "test-internal-key"
AUTH = internal_auth_headers("batch_orchestrator_service", API_KEY)


class ItemRequest(BaseModel):
    name: str = Field(min_length=1)
    count: int


class Greeter:
    def greet(self) -> str:
        return "hello from the container"


class GreeterProvider(Provider):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    @provide(scope=Scope.APP)
    async def greeter(self) -> AsyncIterator[Greeter]:
        yield Greeter()
        self.closed = True


def make_settings(**overrides: object) -> ServiceSettingsBase:
    values: dict[str, object] = {
        "service_name": "wiring_test_service",
        "internal_api_key": SecretStr(API_KEY),
        "log_format": "json",
        "readiness_timeout_seconds": 0.5,
        "shutdown_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return ServiceSettingsBase.model_validate(values)


def make_blueprint() -> Blueprint:
    bp = Blueprint("items", __name__)

    @bp.post("/v1/items")
    async def create_item() -> tuple[dict[str, object], int]:
        item = ItemRequest.model_validate(await request.get_json())
        return {"name": item.name}, 201

    @bp.get("/v1/items/<item_id>")
    async def get_item(item_id: str) -> dict[str, str]:
        if item_id == "missing":
            raise ApiError(404, ErrorCode.NOT_FOUND, "item not found", {"item_id": item_id})
        get_logger("items").info("item read", item_id=item_id)
        return {"id": item_id, "correlation_id": str(current_correlation_id())}

    @bp.get("/v1/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("database password is hunter2")

    @bp.get("/v1/greeting")
    @inject
    async def greeting(greeter: FromDishka[Greeter]) -> dict[str, str]:
        return {"greeting": greeter.greet()}

    return bp


def make_app(**kwargs: object) -> Quart:
    kwargs.setdefault("blueprints", [make_blueprint()])
    kwargs.setdefault("metrics_registry", CollectorRegistry())
    return create_service_app(make_settings(), **kwargs)  # type: ignore[arg-type]


def assert_error_body(body: dict[str, object], code: str, correlation_id: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "details", "correlation_id"}
    assert error["code"] == code
    assert error["correlation_id"] == correlation_id


async def test_healthz_needs_no_credentials() -> None:
    response = await make_app().test_client().get("/healthz")

    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok", "service": "wiring_test_service"}


async def test_unknown_route_is_json_404_with_correlation_id() -> None:
    response = await make_app().test_client().get("/v1/nothing-here", headers=AUTH)

    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert_error_body(await response.get_json(), "not_found", response.headers[CORRELATION_HEADER])


async def test_wrong_method_is_json_405_with_allow_header() -> None:
    response = await make_app().test_client().delete("/v1/items/a1", headers=AUTH)

    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    body = await response.get_json()
    assert_error_body(body, "method_not_allowed", response.headers[CORRELATION_HEADER])


async def test_pydantic_validation_error_is_400_with_field_errors() -> None:
    client = make_app().test_client()

    response = await client.post("/v1/items", json={"name": "", "count": "many"}, headers=AUTH)

    assert response.status_code == 400
    body = await response.get_json()
    assert_error_body(body, "validation_error", response.headers[CORRELATION_HEADER])
    fields = {error["field"] for error in body["error"]["details"]["errors"]}
    assert fields == {"name", "count"}


async def test_malformed_json_is_400_bad_request() -> None:
    client = make_app().test_client()
    headers = {**AUTH, "Content-Type": "application/json"}

    response = await client.post("/v1/items", data="{not json", headers=headers)

    assert response.status_code == 400
    body = await response.get_json()
    assert_error_body(body, "bad_request", response.headers[CORRELATION_HEADER])


async def test_unexpected_exception_is_500_without_its_text() -> None:
    response = await make_app().test_client().get("/v1/boom", headers=AUTH)

    assert response.status_code == 500
    raw = await response.get_data(as_text=True)
    assert "hunter2" not in raw
    assert "Traceback" not in raw
    assert_error_body(json.loads(raw), "internal_error", response.headers[CORRELATION_HEADER])


async def test_api_error_carries_status_code_and_details() -> None:
    response = await make_app().test_client().get("/v1/items/missing", headers=AUTH)

    assert response.status_code == 404
    body = await response.get_json()
    assert body["error"]["message"] == "item not found"
    assert body["error"]["details"] == {"item_id": "missing"}


def test_api_error_rejects_success_status_and_unknown_codes() -> None:
    with pytest.raises(ValueError, match="4xx/5xx"):
        ApiError(200, ErrorCode.NOT_FOUND, "no")
    with pytest.raises(ValueError):
        ApiError(400, "not_a_known_code", "no")


async def test_correlation_id_is_echoed_and_visible_to_handlers() -> None:
    sent = str(uuid4())
    client = make_app().test_client()

    response = await client.get("/v1/items/a1", headers={**AUTH, CORRELATION_HEADER: sent})

    assert response.headers[CORRELATION_HEADER] == sent
    assert (await response.get_json())["correlation_id"] == sent


@pytest.mark.parametrize("header", [None, "not-a-uuid"])
async def test_missing_or_invalid_correlation_id_is_generated(header: str | None) -> None:
    headers = dict(AUTH)
    if header is not None:
        headers[CORRELATION_HEADER] = header

    response = await make_app().test_client().get("/v1/items/a1", headers=headers)

    generated = UUID(response.headers[CORRELATION_HEADER])
    assert str(generated) != header
    assert (await response.get_json())["correlation_id"] == str(generated)


async def test_correlation_id_is_bound_in_request_logs() -> None:
    app = make_app()
    buffer = io.StringIO()
    configure_logging("wiring_test_service", "INFO", "json", stream=buffer)
    sent = str(uuid4())

    await app.test_client().get("/v1/items/a1", headers={**AUTH, CORRELATION_HEADER: sent})

    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    [read] = [line for line in lines if line["event"] == "item read"]
    assert read["correlation_id"] == sent
    assert read["service"] == "wiring_test_service"


async def test_metrics_endpoint_shows_http_metrics_by_route_template() -> None:
    client = make_app().test_client()
    await client.get("/v1/items/a1", headers=AUTH)
    await client.get("/v1/items/b2", headers=AUTH)

    response = await client.get("/metrics")

    text = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'route="/v1/items/<item_id>"' in text
    assert 'huleedu_http_requests_total{method="GET",route="/v1/items/<item_id>",' in text
    assert "/v1/items/a1" not in text


async def test_dishka_injects_and_container_closes_at_shutdown() -> None:
    provider = GreeterProvider()
    container = make_async_container(provider, QuartProvider())
    app = make_app(container=container)

    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/v1/greeting", headers=AUTH)
        assert (await response.get_json()) == {"greeting": "hello from the container"}
        assert provider.closed is False

    assert provider.closed is True


class FakeRunner:
    """Behaves like a consumer runner: run() until stop() is called."""

    def __init__(self) -> None:
        self.stop_requested = asyncio.Event()
        self.finished_in_flight = False

    async def run(self) -> None:
        await self.stop_requested.wait()
        self.finished_in_flight = True

    async def stop(self) -> None:
        self.stop_requested.set()


async def test_background_tasks_start_after_hooks_and_stop_gracefully() -> None:
    events: list[str] = []
    runner = FakeRunner()

    async def started() -> None:
        events.append("startup hook")

    async def stopped() -> None:
        events.append(f"shutdown hook (runner finished: {runner.finished_in_flight})")

    app = make_app(
        background_tasks=[BackgroundTask.for_runner("consumer", runner)],
        on_startup=[started],
        on_shutdown=[stopped],
    )
    async with app.test_app() as test_app:
        assert service_runtime(app).is_alive("consumer")
        ready = await test_app.test_client().get("/readyz")
        assert (await ready.get_json())["checks"]["task:consumer"]["status"] == "ok"

    assert events == ["startup hook", "shutdown hook (runner finished: True)"]
    assert not service_runtime(app).is_alive("consumer")


async def test_task_ignoring_stop_is_cancelled_after_the_timeout() -> None:
    async def never_stops() -> None:
        await asyncio.Event().wait()

    settings = make_settings(shutdown_timeout_seconds=0.1)
    app = create_service_app(
        settings,
        background_tasks=[BackgroundTask("stubborn", never_stops)],
        metrics_registry=CollectorRegistry(),
    )
    async with app.test_app():
        assert service_runtime(app).is_alive("stubborn")

    assert not service_runtime(app).is_alive("stubborn")


async def test_failed_background_task_requests_shutdown_and_fails_readiness() -> None:
    async def crashes() -> None:
        raise RuntimeError("consumer lost")

    app = make_app(background_tasks=[BackgroundTask("consumer", crashes)])
    runtime = service_runtime(app)
    async with app.test_app() as test_app:
        await asyncio.wait_for(runtime.wait_for_shutdown_request(), timeout=2)
        response = await test_app.test_client().get("/readyz")

    assert runtime.failed_task == "consumer"
    assert response.status_code == 503
    body = await response.get_json()
    assert body["error"]["details"]["checks"]["task:consumer"]["status"] == "error"


async def test_readyz_reports_each_check_and_503_when_one_fails() -> None:
    async def ok() -> None:
        return None

    async def refused() -> None:
        raise ConnectionRefusedError("127.0.0.1:1 refused")

    async def hangs() -> None:
        await asyncio.sleep(10)

    checks = [
        ReadinessCheck("postgres", ok),
        ReadinessCheck("redis", refused),
        ReadinessCheck("kafka", hangs),
    ]
    response = await make_app(readiness_checks=checks).test_client().get("/readyz")

    assert response.status_code == 503
    body = await response.get_json()
    assert_error_body(body, "service_unavailable", response.headers[CORRELATION_HEADER])
    checks_body = body["error"]["details"]["checks"]
    assert checks_body["postgres"]["status"] == "ok"
    assert checks_body["redis"] == {**checks_body["redis"], "status": "error"}
    assert checks_body["redis"]["error"] == "ConnectionRefusedError"
    assert checks_body["kafka"]["error"] == "timeout"
    assert "127.0.0.1:1" not in await response.get_data(as_text=True)


async def test_readyz_is_200_when_every_check_passes() -> None:
    async def ok() -> None:
        return None

    app = make_app(readiness_checks=[ReadinessCheck("postgres", ok)])
    response = await app.test_client().get("/readyz")

    assert response.status_code == 200
    body = await response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["postgres"]["status"] == "ok"


async def test_failed_startup_hook_still_closes_hooks_and_container() -> None:
    provider = GreeterProvider()
    container = make_async_container(provider, QuartProvider())
    stopped: list[str] = []

    async def open_pool() -> None:
        await container.get(Greeter)

    async def broker_unreachable() -> None:
        raise ConnectionRefusedError("no broker")

    async def close_pool() -> None:
        stopped.append("pool closed")

    app = make_app(
        container=container,
        on_startup=[open_pool, broker_unreachable],
        on_shutdown=[close_pool],
    )
    with pytest.raises(ConnectionRefusedError):
        await app.startup()

    assert stopped == ["pool closed"]
    assert provider.closed is True
