"""Every error answer carries the standard body and the correlation id (no Redis needed: a
small app with the gateway's middleware and handlers)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import structlog
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, Field

from common_core.error_models import ErrorCode
from services.api_gateway_service.error_handlers import install_error_handlers
from services.api_gateway_service.errors import GatewayError
from services.api_gateway_service.middleware import RequestContextMiddleware
from services.api_gateway_service.request_context import set_batch, set_user
from services.api_gateway_service.telemetry import GatewayMetrics


class Body(BaseModel):
    count: int = Field(ge=1)
    name: str


def build_app(registry: CollectorRegistry) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/items/{item_id}")
    async def create(item_id: str, body: Body) -> dict[str, str]:
        set_user("teacher-1")
        set_batch(item_id)
        if body.name == "taken":
            raise GatewayError(
                409, ErrorCode.CONFLICT, "taken", {"item_id": item_id}, headers={"Retry-After": "5"}
            )
        if body.name == "crash":
            raise RuntimeError("password=hunter2 at line 42")
        return {"item_id": item_id}

    app.add_middleware(RequestContextMiddleware, metrics=GatewayMetrics("gw-test", registry))
    return app


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(CollectorRegistry())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def assert_standard(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    error: dict[str, object] = response.json()["error"]
    assert error["code"] == code
    assert error["correlation_id"] == response.headers["X-Correlation-ID"]
    return error


async def test_validation_errors_are_400_with_the_fields(client: httpx.AsyncClient) -> None:
    response = await client.post("/items/x", json={"count": 0, "secret": "s3cr3t"})

    error = assert_standard(response, 400, "validation_error")
    fields = {e["field"]: e["location"] for e in error["details"]["errors"]}  # type: ignore[index]
    assert fields == {"count": "body", "name": "body"}
    assert "s3cr3t" not in response.text


async def test_malformed_json_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/items/x", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    error = assert_standard(response, 400, "validation_error")
    (item,) = error["details"]["errors"]  # type: ignore[index]
    assert (item["field"], item["location"], item["type"]) == ("body", "body", "json_invalid")
    assert item["message"].startswith("JSON decode error at character 1")


async def test_gateway_errors_keep_their_headers(client: httpx.AsyncClient) -> None:
    response = await client.post("/items/x", json={"count": 1, "name": "taken"})

    error = assert_standard(response, 409, "conflict")
    assert error["details"] == {"item_id": "x"}
    assert response.headers["Retry-After"] == "5"


async def test_unexpected_errors_are_500_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.post("/items/x", json={"count": 1, "name": "crash"})

    error = assert_standard(response, 500, "internal_error")
    assert error["message"] == "internal server error"
    assert "hunter2" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [("GET", "/nowhere", 404, "not_found"), ("GET", "/items/x", 405, "method_not_allowed")],
)
async def test_routing_errors(
    client: httpx.AsyncClient, method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path)

    assert_standard(response, status, code)
    if status == 405:
        assert response.headers["Allow"] == "POST"


async def test_a_given_correlation_id_is_used(client: httpx.AsyncClient) -> None:
    correlation_id = str(uuid.uuid4())
    response = await client.get("/nowhere", headers={"X-Correlation-ID": correlation_id})

    assert response.json()["error"]["correlation_id"] == correlation_id


async def test_state_changing_requests_are_audited(client: httpx.AsyncClient) -> None:
    with structlog.testing.capture_logs() as logs:
        await client.post("/items/b-7", json={"count": 1, "name": "taken"})
        await client.get("/nowhere")

    audits = [entry for entry in logs if entry["event"] == "audit"]
    assert len(audits) == 1
    entry = audits[0]
    assert entry["action"] == "create"
    assert (entry["user_id"], entry["batch_id"]) == ("teacher-1", "b-7")
    assert (entry["outcome"], entry["status"]) == ("failed", 409)
